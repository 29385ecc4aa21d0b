!---------------------------------------------------------------------
! Hodgkin-Huxley (BrainPy form), exactly as models/hodgkin_huxley.c
!   C dV/dt = -gNa m^3 h (V-ENa) - gK n^4 (V-EK) - gL (V-EL) + Iext
!   dq/dt = alpha_q (1-q) - beta_q q,  q = m, h, n
!   alpha_m = exprel((V+40)/10)          beta_m = 4 exp(-(V+65)/18)
!   alpha_h = 0.07 exp(-(V+65)/20)        beta_h = 1/(1+exp(-(V+35)/10))
!   alpha_n = 0.1 exprel((V+55)/10)       beta_n = 0.125 exp(-(V+65)/80)
!   exprel(u) = u/(-expm1(-u)) for |u|>=1e-6, 1+u/2 otherwise (as in the C code)
! ENa=50 EK=-77 EL=-54.387 gNa=120 gK=36 C=1
! THIS FILE: STPNT starts at gL = 0.3.  PAR(1)=Iext  PAR(2)=gL  ; PAR(9)=amp.  Analytic Jacobian.
!---------------------------------------------------------------------
MODULE MODELCONST
  USE ISO_C_BINDING
  DOUBLE PRECISION, PARAMETER :: AMPON = 20d0
  DOUBLE PRECISION, PARAMETER :: ENA=50d0, EK=-77d0, EL=-54.387d0, GNA=120d0, GK=36d0, CM=1d0
  INTERFACE
     REAL(C_DOUBLE) FUNCTION C_EXPM1(X) BIND(C, NAME='expm1')
       IMPORT :: C_DOUBLE
       REAL(C_DOUBLE), VALUE :: X
     END FUNCTION C_EXPM1
  END INTERFACE
CONTAINS
  SUBROUTINE EXPREL(U, G, DG)
    DOUBLE PRECISION, INTENT(IN) :: U
    DOUBLE PRECISION, INTENT(OUT) :: G, DG
    DOUBLE PRECISION E
    IF (ABS(U) < 1d-6) THEN
       G = 1d0 + 0.5d0*U
       DG = 0.5d0
    ELSE
       E = -C_EXPM1(-U)          ! 1 - exp(-u)
       G = U/E
       DG = (E - U*(1d0 - E))/(E*E)
    END IF
  END SUBROUTINE EXPREL
END MODULE MODELCONST

SUBROUTINE FUNC(NDIM,U,ICP,PAR,IJAC,F,DFDU,DFDP)
  USE MODELCONST
  IMPLICIT NONE
  INTEGER, INTENT(IN) :: NDIM, ICP(*), IJAC
  DOUBLE PRECISION, INTENT(IN) :: U(NDIM), PAR(*)
  DOUBLE PRECISION, INTENT(OUT) :: F(NDIM)
  DOUBLE PRECISION, INTENT(INOUT) :: DFDU(NDIM,NDIM), DFDP(NDIM,*)
  DOUBLE PRECISION V, M, H, N, AM, BM, AH, BH, AN, BN, G, DG, DAM, DBM, DAH, DBH, DAN, DBN, EH
  V = U(1); M = U(2); H = U(3); N = U(4)
  CALL EXPREL((V + 40d0)/10d0, G, DG)
  AM = G;  DAM = DG/10d0
  BM = 4d0*EXP(-(V + 65d0)/18d0);  DBM = -BM/18d0
  AH = 0.07d0*EXP(-(V + 65d0)/20d0); DAH = -AH/20d0
  EH = EXP(-(V + 35d0)/10d0)
  BH = 1d0/(1d0 + EH);  DBH = BH*BH*EH/10d0
  CALL EXPREL((V + 55d0)/10d0, G, DG)
  AN = 0.1d0*G;  DAN = 0.1d0*DG/10d0
  BN = 0.125d0*EXP(-(V + 65d0)/80d0);  DBN = -BN/80d0
  F(1) = (-GNA*M*M*M*H*(V - ENA) - GK*(N*N)*(N*N)*(V - EK) - PAR(2)*(V - EL) + PAR(1))/CM
  F(2) = AM*(1d0 - M) - BM*M
  F(3) = AH*(1d0 - H) - BH*H
  F(4) = AN*(1d0 - N) - BN*N
  IF (IJAC == 0) RETURN
  DFDU = 0d0
  DFDU(1,1) = (-GNA*M**3*H - GK*N**4 - PAR(2))/CM
  DFDU(1,2) = -3d0*GNA*M*M*H*(V - ENA)/CM
  DFDU(1,3) = -GNA*M**3*(V - ENA)/CM
  DFDU(1,4) = -4d0*GK*N**3*(V - EK)/CM
  DFDU(2,1) = DAM*(1d0 - M) - DBM*M;  DFDU(2,2) = -(AM + BM)
  DFDU(3,1) = DAH*(1d0 - H) - DBH*H;  DFDU(3,3) = -(AH + BH)
  DFDU(4,1) = DAN*(1d0 - N) - DBN*N;  DFDU(4,4) = -(AN + BN)
  IF (IJAC == 1) RETURN
  DFDP(:,1:9) = 0d0
  DFDP(1,1) = 1d0/CM
  DFDP(1,2) = -(V - EL)/CM
END SUBROUTINE FUNC

SUBROUTINE STPNT(NDIM,U,PAR,T)
  IMPLICIT NONE
  INTEGER, INTENT(IN) :: NDIM
  DOUBLE PRECISION, INTENT(INOUT) :: U(NDIM),PAR(*)
  DOUBLE PRECISION, INTENT(IN) :: T
  PAR(1) = 0d0; PAR(2) = 0.3d0
  U(1) = -65d0; U(2) = 0.053d0; U(3) = 0.596d0; U(4) = 0.318d0
  CALL NEWTEQ(NDIM,U,PAR)
END SUBROUTINE STPNT

INCLUDE 'common.inc'
