# neurodyn two-parameter diagram; edit freely and re-run from this folder: gnuplot ml_lpc_curve.gp
set terminal pngcairo size 800,600 enhanced font 'Sans,10'
set output 'ml_lpc_curve.png'
set datafile separator tab
set title 'morris_lecar: Hopf and fold-of-cycles curves' noenhanced
set xlabel 'phi (1/ms)' noenhanced
set ylabel 'I (µA/cm²)' noenhanced
set xrange [0.02:0.1]
set yrange [60:160]
set key outside right top box opaque
set grid lc rgb '#eeeeee'
plot '../../../../tmp/cyc2/mldoc/curves.tsv' skip 1 using 3:(stringcolumn(2) eq 'H' && column(7) == 0 ? column(4) : NaN) with lines lw 2.5 lc rgb '#1f77b4' title 'Hopf (H) curves', \
     '../../../../tmp/cyc2/mldoc/curves.tsv' skip 1 using 3:(stringcolumn(2) eq 'LPC' ? column(4) : NaN) with lines lw 2.5 lc rgb '#2ca02c' title 'fold of cycles (LPC)'
