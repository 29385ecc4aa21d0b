!---------------------------------------------------------------------
! Morris-Lecar (hopf set), exactly as models/morris_lecar.c, with phi a parameter: the
! two-parameter LPC curve of `neurodyn bifurcation2 ml --par phi=0.02:0.1 --par I=60:160 --cycles`
!   C dV/dt = I - gL (V-VL) - gCa m_inf(V) (V-VCa) - gK w (V-VK)
!   dw/dt   = phi (w_inf(V) - w) cosh((V-V3)/(2 V4))
!   m_inf = (1+tanh((V-V1)/V2))/2, w_inf = (1+tanh((V-V3)/V4))/2
! C=20 gL=2 VL=-60 VCa=120 gK=8 VK=-84 V1=-1.2 V2=18
! gCa=4.4d0 V3=2d0 V4=30d0
! PAR(1)=I ; PAR(2)=phi (0.04 at the start) ; PAR(9)=amp.  Analytic Jacobian (as ND_JACOBIAN in the C file).
!---------------------------------------------------------------------
MODULE MODELCONST
  DOUBLE PRECISION, PARAMETER :: AMPON = 20d0
  DOUBLE PRECISION, PARAMETER :: CM=20d0, GL=2d0, VL=-60d0, GCA=4.4d0, VCA=120d0, GK=8d0, &
       VK=-84d0, V1=-1.2d0, V2=18d0, V3=2d0, V4=30d0
END MODULE MODELCONST

SUBROUTINE FUNC(NDIM,U,ICP,PAR,IJAC,F,DFDU,DFDP)
  USE MODELCONST
  IMPLICIT NONE
  INTEGER, INTENT(IN) :: NDIM, ICP(*), IJAC
  DOUBLE PRECISION, INTENT(IN) :: U(NDIM), PAR(*)
  DOUBLE PRECISION, INTENT(OUT) :: F(NDIM)
  DOUBLE PRECISION, INTENT(INOUT) :: DFDU(NDIM,NDIM), DFDP(NDIM,*)
  DOUBLE PRECISION PHI, V, W, TM, TW, MINF, WINF, DMINF, DWINF, ARG, CH, SH
  PHI = PAR(2); V = U(1); W = U(2)
  TM = TANH((V - V1)/V2); TW = TANH((V - V3)/V4)
  MINF = 0.5d0*(1d0 + TM); WINF = 0.5d0*(1d0 + TW)
  ARG = (V - V3)/(2d0*V4); CH = COSH(ARG); SH = SINH(ARG)
  F(1) = (PAR(1) - GL*(V - VL) - GCA*MINF*(V - VCA) - GK*W*(V - VK))/CM
  F(2) = PHI*(WINF - W)*CH
  IF (IJAC == 0) RETURN
  DMINF = 0.5d0*(1d0 - TM*TM)/V2
  DWINF = 0.5d0*(1d0 - TW*TW)/V4
  DFDU(1,1) = (-GL - GCA*(DMINF*(V - VCA) + MINF) - GK*W)/CM
  DFDU(1,2) = -GK*(V - VK)/CM
  DFDU(2,1) = PHI*(DWINF*CH + (WINF - W)*SH/(2d0*V4))
  DFDU(2,2) = -PHI*CH
  IF (IJAC == 1) RETURN
  DFDP(:,1:9) = 0d0
  DFDP(1,1) = 1d0/CM
  DFDP(2,2) = (WINF - W)*CH
END SUBROUTINE FUNC

SUBROUTINE STPNT(NDIM,U,PAR,T)
  IMPLICIT NONE
  INTEGER, INTENT(IN) :: NDIM
  DOUBLE PRECISION, INTENT(INOUT) :: U(NDIM),PAR(*)
  DOUBLE PRECISION, INTENT(IN) :: T
  PAR(1) = 60d0; PAR(2) = 0.04d0
  U(1) = -60d0; U(2) = 0.015d0
  CALL NEWTEQ(NDIM,U,PAR)
END SUBROUTINE STPNT

INCLUDE 'common.inc'
