!---------------------------------------------------------------------
! Rossler, exactly as models/rossler.c: the two-parameter PD curve in (b, c) through the first
! period doubling of the period-1 cycle (a = b = 0.2, c = 2.8324450278625). The cycle is reached
! from the Hopf point in a at c = 2.5 (a = 0.02790), continued in a to 0.2, then in c.
!   dx/dt = -y - z,  dy/dt = x + a y,  dz/dt = b + z (x - c)
! PAR(1)=a, PAR(2)=b, PAR(3)=c ; PAR(9)=amp.  Analytic Jacobian (as ND_JACOBIAN in the C file).
!---------------------------------------------------------------------
MODULE MODELCONST
  DOUBLE PRECISION, PARAMETER :: AMPON = 1d30
END MODULE MODELCONST

SUBROUTINE FUNC(NDIM,U,ICP,PAR,IJAC,F,DFDU,DFDP)
  IMPLICIT NONE
  INTEGER, INTENT(IN) :: NDIM, ICP(*), IJAC
  DOUBLE PRECISION, INTENT(IN) :: U(NDIM), PAR(*)
  DOUBLE PRECISION, INTENT(OUT) :: F(NDIM)
  DOUBLE PRECISION, INTENT(INOUT) :: DFDU(NDIM,NDIM), DFDP(NDIM,*)
  F(1) = -U(2) - U(3)
  F(2) = U(1) + PAR(1)*U(2)
  F(3) = PAR(2) + U(3)*(U(1) - PAR(3))
  IF (IJAC == 0) RETURN
  DFDU(:,:) = 0d0
  DFDU(1,2) = -1d0; DFDU(1,3) = -1d0
  DFDU(2,1) = 1d0; DFDU(2,2) = PAR(1)
  DFDU(3,1) = U(3); DFDU(3,3) = U(1) - PAR(3)
  IF (IJAC == 1) RETURN
  DFDP(:,1:9) = 0d0
  DFDP(2,1) = U(2)
  DFDP(3,2) = 1d0
  DFDP(3,3) = -U(3)
END SUBROUTINE FUNC

SUBROUTINE STPNT(NDIM,U,PAR,T)
  IMPLICIT NONE
  INTEGER, INTENT(IN) :: NDIM
  DOUBLE PRECISION, INTENT(INOUT) :: U(NDIM),PAR(*)
  DOUBLE PRECISION, INTENT(IN) :: T
  DOUBLE PRECISION X
  PAR(1) = 0.01d0; PAR(2) = 0.2d0; PAR(3) = 2.5d0
  ! the equilibrium nearer the origin: x^2 - c x + a b = 0, y = -x/a, z = x/a
  X = (PAR(3) - SQRT(PAR(3)**2 - 4d0*PAR(1)*PAR(2)))/2d0
  U(1) = X; U(2) = -X/PAR(1); U(3) = X/PAR(1)
END SUBROUTINE STPNT

INCLUDE 'common.inc'
