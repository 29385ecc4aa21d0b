parnames = {1: 'I', 2: 'a', 9: 'amp'}
unames = {1: 'v', 2: 'w', 3: 'y'}
NDIM= 3, IPS = 1, IRS = 0, ILP = 1
ICP = ['I']
NTST= 80, NCOL= 4, IAD = 3, ISP = 2, ISW = 1, IPLT= 0, NBC= 0, NINT= 0
NMX= 20000, NPR= 100000, MXBF= 10, IID = 2, ITMX= 30, ITNW= 20, NWTN= 3, JAC= 1
EPSL= 1e-12, EPSU = 1e-12, EPSS = 1e-11
DS = 0.01, DSMIN= 1e-10, DSMAX= 0.05, IADS= 1
NPAR = 13, THL = {}, THU = {}
UZSTOP = {'I': [0.0, 1.0]}
