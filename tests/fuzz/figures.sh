#!/bin/sh
# One line of figures from a libFuzzer log: runs, speed, coverage, time.
# usage: figures.sh TARGET LOG
log=$2
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -1)
cov=$(grep -o 'cov: [0-9]* ft: [0-9]* corp: [0-9]*/[0-9]*[a-zA-Z]*' "$log" | tail -1)
time=$(sed -n 's/^fuzz: [a-z]*: \(.* s wall, .* s user\).*/\1/p' "$log" | tail -1)
secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
echo "fuzz: $1: ${runs:-?} runs in ${secs:-?} s, ${speed:-?} exec/s, ${cov:-no coverage line}, peak ${rss:-?} MB${time:+, $time}"
