!---------------------------------------------------------------------
! Hindmarsh-Rose fast subsystem, exactly as tests/data/ode/hr_fast.ode (z a parameter): the
! homoclinic curve in (I, z) of `neurodyn bifurcation2 hr_fast.ode --par I=0:2 --par z=0:4
! --homoclinic`, by HomCont (IPS=9) from the cycle branch born at the Hopf point in z (I = 0.5)
! continued to period 200.
!   dx/dt = y - a x^3 + b x^2 - z + I,  dy/dt = c - d x^2 - y,  a=1 b=3 c=1 d=5
! PAR(1)=I, PAR(2)=z ; PAR(9)=amp ; PAR(11): HomCont's truncation ; PAR(12:13): the saddle.
!---------------------------------------------------------------------
MODULE MODELCONST
  DOUBLE PRECISION, PARAMETER :: AMPON = 1d30
  DOUBLE PRECISION, PARAMETER :: A=1d0, B=3d0, C=1d0, D=5d0
END MODULE MODELCONST

SUBROUTINE FUNC(NDIM,U,ICP,PAR,IJAC,F,DFDU,DFDP)
  USE MODELCONST
  IMPLICIT NONE
  INTEGER, INTENT(IN) :: NDIM, ICP(*), IJAC
  DOUBLE PRECISION, INTENT(IN) :: U(NDIM), PAR(*)
  DOUBLE PRECISION, INTENT(OUT) :: F(NDIM)
  DOUBLE PRECISION, INTENT(INOUT) :: DFDU(NDIM,NDIM), DFDP(NDIM,*)
  F(1) = U(2) - A*U(1)**3 + B*U(1)**2 - PAR(2) + PAR(1)
  F(2) = C - D*U(1)**2 - U(2)
  IF (IJAC == 0) RETURN
  DFDU(1,1) = -3d0*A*U(1)**2 + 2d0*B*U(1); DFDU(1,2) = 1d0
  DFDU(2,1) = -2d0*D*U(1); DFDU(2,2) = -1d0
  IF (IJAC == 1) RETURN
  DFDP(:,1:9) = 0d0
  DFDP(1,1) = 1d0; DFDP(1,2) = -1d0
END SUBROUTINE FUNC

SUBROUTINE STPNT(NDIM,U,PAR,T)
  IMPLICIT NONE
  INTEGER, INTENT(IN) :: NDIM
  DOUBLE PRECISION, INTENT(INOUT) :: U(NDIM),PAR(*)
  DOUBLE PRECISION, INTENT(IN) :: T
  ! HomCont's initial saddle (IEQUIB=1): the middle equilibrium near the homoclinic orbit
  ! (z = 1.3161, I = 0.5), carried in PAR(12:13) through the equilibrium and cycle runs
  PAR(1) = 0.5d0; PAR(2) = 1.3161d0
  U(1) = -0.33d0; U(2) = 1d0 - 5d0*U(1)**2
  CALL NEWTEQ(NDIM,U,PAR)
  PAR(12) = U(1); PAR(13) = U(2)
  ! the start: the upper equilibrium at z = 1
  PAR(2) = 1d0
  U(1) = 0.45d0; U(2) = 1d0 - 5d0*U(1)**2
  CALL NEWTEQ(NDIM,U,PAR)
END SUBROUTINE STPNT

INCLUDE 'common.inc'
