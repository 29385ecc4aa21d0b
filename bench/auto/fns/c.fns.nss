parnames = {1: 'I', 2: 'a', 9: 'amp'}
unames = {1: 'v', 2: 'w', 3: 'y'}
NDIM= 3, IPS = 2, IRS = 4, ILP = 1
ICP = ['a', 'I', 'PERIOD']
NTST= 80, NCOL= 4, IAD = 3, ISP = 0, ISW = 2, IPLT= 0, NBC= 0, NINT= 0
NMX= 20000, NPR= 100000, MXBF= 10, IID = 2, ITMX= 30, ITNW= 20, NWTN= 3, JAC= 1
EPSL= 1e-10, EPSU = 1e-10, EPSS = 1e-8
DS = 0.001, DSMIN= 1e-10, DSMAX= 0.05, IADS= 1
NPAR = 13, THL = {'PERIOD': 0.0}, THU = {}
UZSTOP = {'a': [0.5, 0.9], 'I': [0.0, 1.0]}
