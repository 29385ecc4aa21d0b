parnames = {1: 'a', 2: 'b', 3: 'c', 9: 'amp'}
unames = {1: 'x', 2: 'y', 3: 'z'}
NDIM= 3, IPS = 1, IRS = 0, ILP = 1
ICP = ['a']
NTST= 80, NCOL= 4, IAD = 3, ISP = 2, ISW = 1, IPLT= 0, NBC= 0, NINT= 0
NMX= 20000, NPR= 100000, MXBF= 10, IID = 2, ITMX= 30, ITNW= 20, NWTN= 3, JAC= 1
EPSL= 1e-12, EPSU = 1e-12, EPSS = 1e-11
DS = 0.001, DSMIN= 1e-10, DSMAX= 0.01, IADS= 1
NPAR = 9, THL = {}, THU = {}
UZSTOP = {'a': [0.0, 0.1]}
