!---------------------------------------------------------------------
! FitzHugh-Nagumo, BrainPy form, exactly as models/fitzhugh_nagumo.c
!   dV/dt = V - V^3/3 - w + Iext
!   dw/dt = (V + a - b w) / tau
! PAR(1)=Iext  PAR(2)=a  PAR(3)=b  PAR(4)=tau   (defaults a=0.7 b=0.8 tau=12.5)
! PAR(9)=amp (PVLS, see common.inc)
!---------------------------------------------------------------------
MODULE MODELCONST
  DOUBLE PRECISION, PARAMETER :: AMPON = 0.5d0
END MODULE MODELCONST

SUBROUTINE FUNC(NDIM,U,ICP,PAR,IJAC,F,DFDU,DFDP)
  IMPLICIT NONE
  INTEGER, INTENT(IN) :: NDIM, ICP(*), IJAC
  DOUBLE PRECISION, INTENT(IN) :: U(NDIM), PAR(*)
  DOUBLE PRECISION, INTENT(OUT) :: F(NDIM)
  DOUBLE PRECISION, INTENT(INOUT) :: DFDU(NDIM,NDIM), DFDP(NDIM,*)
  DOUBLE PRECISION V, W
  V = U(1); W = U(2)
  F(1) = V - V*V*V/3.0d0 - W + PAR(1)
  F(2) = (V + PAR(2) - PAR(3)*W)/PAR(4)
  IF (IJAC == 0) RETURN
  DFDU(1,1) = 1.0d0 - V*V;     DFDU(1,2) = -1.0d0
  DFDU(2,1) = 1.0d0/PAR(4);    DFDU(2,2) = -PAR(3)/PAR(4)
  IF (IJAC == 1) RETURN
  DFDP(:,1:9) = 0.0d0
  DFDP(1,1) = 1.0d0
  DFDP(2,2) = 1.0d0/PAR(4)
  DFDP(2,3) = -W/PAR(4)
  DFDP(2,4) = -(V + PAR(2) - PAR(3)*W)/PAR(4)**2
END SUBROUTINE FUNC

SUBROUTINE STPNT(NDIM,U,PAR,T)
  IMPLICIT NONE
  INTEGER, INTENT(IN) :: NDIM
  DOUBLE PRECISION, INTENT(INOUT) :: U(NDIM),PAR(*)
  DOUBLE PRECISION, INTENT(IN) :: T
  PAR(1) = 0.0d0; PAR(2) = 0.7d0; PAR(3) = 0.8d0; PAR(4) = 12.5d0
  U(1) = -1.2d0; U(2) = -0.6d0
  CALL NEWTEQ(NDIM,U,PAR)
END SUBROUTINE STPNT

INCLUDE 'common.inc'
