!---------------------------------------------------------------------
! FitzHugh-Rinzel, exactly as models/fitzhugh_rinzel.c, with a a parameter: the two-parameter
! Neimark-Sacker (torus, AUTO's TR) curve of
! `neurodyn bifurcation2 fhr --par a=0.5:0.9 --par I=0:1 --cycles`
!   dv/dt = v - v^3/3 - w + y + I
!   dw/dt = delta (a + v - b w)
!   dy/dt = mu (c - v - d y)
! b=0.8 c=-0.775 d=1 delta=0.08 mu=1e-4
! PAR(1)=I ; PAR(2)=a (0.7 at the start) ; PAR(9)=amp (unused here).  Analytic Jacobian (as
! ND_JACOBIAN in the C file).
!---------------------------------------------------------------------
MODULE MODELCONST
  DOUBLE PRECISION, PARAMETER :: AMPON = 1d30
  DOUBLE PRECISION, PARAMETER :: B=0.8d0, C=-0.775d0, D=1d0, DELTA=0.08d0, MU=1d-4
END MODULE MODELCONST

SUBROUTINE FUNC(NDIM,U,ICP,PAR,IJAC,F,DFDU,DFDP)
  USE MODELCONST
  IMPLICIT NONE
  INTEGER, INTENT(IN) :: NDIM, ICP(*), IJAC
  DOUBLE PRECISION, INTENT(IN) :: U(NDIM), PAR(*)
  DOUBLE PRECISION, INTENT(OUT) :: F(NDIM)
  DOUBLE PRECISION, INTENT(INOUT) :: DFDU(NDIM,NDIM), DFDP(NDIM,*)
  DOUBLE PRECISION CUR, A, V, W, Y
  CUR = PAR(1); A = PAR(2); V = U(1); W = U(2); Y = U(3)
  F(1) = V - V**3/3d0 - W + Y + CUR
  F(2) = DELTA*(A + V - B*W)
  F(3) = MU*(C - V - D*Y)
  IF (IJAC == 0) RETURN
  DFDU(1,1) = 1d0 - V*V; DFDU(1,2) = -1d0;     DFDU(1,3) = 1d0
  DFDU(2,1) = DELTA;     DFDU(2,2) = -DELTA*B; DFDU(2,3) = 0d0
  DFDU(3,1) = -MU;       DFDU(3,2) = 0d0;      DFDU(3,3) = -MU*D
  IF (IJAC == 1) RETURN
  DFDP(:,1:9) = 0d0
  DFDP(1,1) = 1d0
  DFDP(2,2) = DELTA
END SUBROUTINE FUNC

SUBROUTINE STPNT(NDIM,U,PAR,T)
  USE MODELCONST
  IMPLICIT NONE
  INTEGER, INTENT(IN) :: NDIM
  DOUBLE PRECISION, INTENT(INOUT) :: U(NDIM),PAR(*)
  DOUBLE PRECISION, INTENT(IN) :: T
  PAR(1) = 0d0; PAR(2) = 0.7d0
  U(1) = -1.2d0; U(2) = (PAR(2) + U(1))/B; U(3) = C - U(1)
  CALL NEWTEQ(NDIM,U,PAR)
END SUBROUTINE STPNT

INCLUDE 'common.inc'
