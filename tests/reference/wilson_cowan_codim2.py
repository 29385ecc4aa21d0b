"""Reference values for tests/test_codim2.c (Wilson-Cowan in (Q, P), the zoo's defaults):
the cusp (CP) with its coefficient c, the Bogdanov-Takens point (BT) with a and b, and the
generalised Hopf point (GH), each from its defining system solved with 40-digit mpmath and
derivatives of f by mpmath's own differentiation (no finite differences of doubles).
Normalisations as MatCont's nf_CP, nf_BT, nf_H (see analysis/curves/normal_forms.c).
Run: python3 tests/reference/wilson_cowan_codim2.py   (needs mpmath; takes a few minutes)"""
from mpmath import mp, mpf, mpc, exp, matrix, diff, findroot, sqrt, lu_solve, eye

mp.dps = 40
wEE, wEI, wIE, wII, ae, the, ai, thi, r = 16, 12, 15, 3, mpf('1.3'), 4, 2, mpf('3.7'), 1


def S(u, a, th):
    return 1 / (1 + exp(-a * (u - th))) - 1 / (1 + exp(a * th))


def f(E, I, P, Q):
    return [-E + (1 - r * E) * S(wEE * E - wEI * I + P, ae, the),
            -I + (1 - r * I) * S(wIE * E - wII * I + Q, ai, thi)]


def D(i, orders, x, P, Q):
    return diff(lambda e, ii: f(e, ii, P, Q)[i], (x[0], x[1]), orders)


def jac(x, P, Q):
    return matrix([[D(i, (1, 0) if j == 0 else (0, 1), x, P, Q) for j in range(2)] for i in range(2)])


def form(x, P, Q, *vs):
    """The symmetric multilinear form of order len(vs) (complex arguments allowed)."""
    out = []
    for i in range(2):
        s = 0
        for idx in range(2 ** len(vs)):
            o, term = [0, 0], 1
            for n, v in enumerate(vs):
                c = (idx >> n) & 1
                o[c] += 1
                term *= v[c]
            s += D(i, tuple(o), x, P, Q) * term
        out.append(s)
    return matrix(out)


dot = lambda u, v: u[0] * v[0] + u[1] * v[1]
herm = lambda u, v: u[0].conjugate() * v[0] + u[1].conjugate() * v[1]


def nullvec(A):
    q = matrix([-A[0, 1], A[0, 0]]) if abs(A[0, 0]) + abs(A[0, 1]) > abs(A[1, 0]) + abs(A[1, 1]) else matrix([-A[1, 1], A[1, 0]])
    return q / sqrt(dot(q, q))


def bordered(A, col, row, rhs):
    M = matrix(3, 3)
    for i in range(2):
        for j in range(2):
            M[i, j] = A[i, j]
        M[i, 2], M[2, i] = col[i], row[i]
    s = lu_solve(M, matrix([rhs[0], rhs[1], 0]))
    return matrix([s[0], s[1]])


def cusp():
    def system(E, I, P, Q):
        x = [E, I]
        A = jac(x, P, Q)
        q, p = nullvec(A), nullvec(A.T)
        F = f(E, I, P, Q)
        return [F[0], F[1], A[0, 0] * A[1, 1] - A[0, 1] * A[1, 0], dot(p, form(x, P, Q, q, q))]
    E, I, P, Q = findroot(system, (mpf('0.0755683'), mpf('0.0139619'), mpf('1.1523648'), mpf('0.5082390')))
    x = [E, I]
    A = jac(x, P, Q)
    q = nullvec(A)
    p = nullvec(A.T)
    p = p / dot(p, q)
    Bqq = form(x, P, Q, q, q)
    h2 = bordered(A, p, p, dot(p, Bqq) * q - Bqq)
    c = dot(p, form(x, P, Q, q, q, q) + 3 * form(x, P, Q, q, h2)) / 6
    print("CP  Q %s  P %s  c %s" % (mp.nstr(Q, 16), mp.nstr(P, 16), mp.nstr(c, 16)))


def bogdanov_takens():
    def system(E, I, P, Q):
        A = jac([E, I], P, Q)
        F = f(E, I, P, Q)
        return [F[0], F[1], A[0, 0] * A[1, 1] - A[0, 1] * A[1, 0], A[0, 0] + A[1, 1]]
    E, I, P, Q = findroot(system, (mpf('0.127590'), mpf('0.0271136'), mpf('0.9600410'), mpf('0.1026634')))
    x = [E, I]
    A = jac(x, P, Q)
    q0 = nullvec(A)
    big = q0[0] if abs(q0[0]) >= abs(q0[1]) else q0[1]
    if big < 0:  # the largest component of q0 positive, as neurodyn chooses it
        q0 = -q0
    p1 = nullvec(A.T)
    q1 = bordered(A, p1, q0, q0)             # A q1 = q0, <q0, q1> = 0
    p1 = p1 / dot(p1, q1)                   # <p1, q1> = 1
    p0 = bordered(A.T, q0, q1, p1)          # A^T p0 = p1, <p0, q1> = 0 (so <p0, q0> = 1)
    B00 = form(x, P, Q, q0, q0)
    a = dot(p1, B00) / 2
    b = dot(p0, B00) + dot(p1, form(x, P, Q, q0, q1))
    print("BT  Q %s  P %s  a %s  b %s" % (mp.nstr(Q, 16), mp.nstr(P, 16), mp.nstr(a, 16), mp.nstr(b, 16)))


def first_lyapunov(x, P, Q):
    """l1 = Re c1 / omega (Kuznetsov, Elements, eq. 3.20); its zero does not depend on the
    eigenvectors' normalisation."""
    A = jac(x, P, Q)
    w = sqrt(A[0, 0] * A[1, 1] - A[0, 1] * A[1, 0])
    q = matrix([-A[0, 1], A[0, 0] - mpc(0, 1) * w])
    q = q / sqrt(herm(q, q).real)
    p = matrix([-A[1, 0], A[0, 0] + mpc(0, 1) * w])  # A^T p = -i w p
    p = p / herm(p, q).conjugate()
    qb = matrix([q[0].conjugate(), q[1].conjugate()])
    h11 = lu_solve(A, form(x, P, Q, q, qb))
    h20 = lu_solve(mpc(0, 2) * w * eye(2) - A, form(x, P, Q, q, q))
    c1 = (herm(p, form(x, P, Q, q, q, qb)) - 2 * herm(p, form(x, P, Q, q, h11)) + herm(p, form(x, P, Q, qb, h20))) / 2
    return c1.real / w, A[0, 0] + A[1, 1]


def generalised_hopf():
    def system(E, I, P, Q):
        F = f(E, I, P, Q)
        l1, trace = first_lyapunov([E, I], P, Q)
        return [F[0], F[1], trace, l1]
    E, I, P, Q = findroot(system, (mpf('0.3459'), mpf('0.13777'), mpf('0.2246'), mpf('-1.9028')))
    print("GH  Q %s  P %s  E %s  I %s" % (mp.nstr(Q, 16), mp.nstr(P, 16), mp.nstr(E, 16), mp.nstr(I, 16)))


cusp()
bogdanov_takens()
generalised_hopf()
