# neurodyn two-parameter diagram; edit freely and re-run from this folder: gnuplot ns_resonance_curve.gp
set terminal pngcairo size 800,600 enhanced font 'Sans,10'
set output 'ns_resonance_curve.png'
set datafile separator tab
set title 'ns_resonance: Hopf and Neimark-Sacker curves' noenhanced
set xlabel 'mu1' noenhanced
set ylabel 'mu2' noenhanced
set xrange [0.1:1.5]
set yrange [-1:0.5]
set key outside right top box opaque
set grid lc rgb '#eeeeee'
set label 'R4' at 0.305555555556, -0.152777777741 left offset char 1.34, 0.70 font ',11' front noenhanced point pt 7 ps 1.6 lc rgb 'black'
set label 'R3' at 0.691358024692, -0.345679012309 left offset char 1.34, 0.70 font ',11' front noenhanced point pt 7 ps 1.6 lc rgb 'black'
set label 'R2' at 1, -0.499999999963 left offset char 1.34, 0.70 font ',11' front noenhanced point pt 7 ps 1.6 lc rgb 'black'
plot '../../bifurcation2/curves.tsv' skip 1 using 3:(stringcolumn(2) eq 'H' && column(9) == 0 ? column(4) : NaN) with lines lw 2.5 lc rgb '#1f77b4' title 'Hopf (H) curves', \
     '../../bifurcation2/curves.tsv' skip 1 using 3:(stringcolumn(2) eq 'NS' && column(9) == 0 ? column(4) : NaN) with lines lw 2.5 lc rgb '#d62728' title 'Neimark-Sacker (NS) of cycles', \
     '../../bifurcation2/curves.tsv' skip 1 using 3:(stringcolumn(2) eq 'NS' && column(9) == 1 ? column(4) : NaN) with lines lw 1.5 dt 2 lc rgb '#d62728' title 'neutral saddle cycles (NS curve, real pair)', \
     keyentry with points pt 7 ps 1.6 lc rgb 'black' title 'codim-2 points'
