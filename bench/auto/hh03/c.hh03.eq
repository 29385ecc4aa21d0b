parnames = {1: 'Iext', 2: 'gL', 9: 'amp'}
unames = {1: 'V', 2: 'm', 3: 'h', 4: 'n'}
NDIM= 4, IPS = 1, IRS = 0, ILP = 1
ICP = ['Iext']
NTST= 80, NCOL= 4, IAD = 3, ISP = 2, ISW = 1, IPLT= 0, NBC= 0, NINT= 0
NMX= 20000, NPR= 100000, MXBF= 10, IID = 2, ITMX= 30, ITNW= 20, NWTN= 3, JAC= 1
EPSL= 1e-12, EPSU = 1e-12, EPSS = 1e-11
DS = 0.01, DSMIN= 1e-10, DSMAX= 1.0, IADS= 1
NPAR = 9, THL = {}, THU = {}
UZSTOP = {'Iext': [0.0, 200.0]}
