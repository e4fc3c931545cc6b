# tclsh: exec of a pipeline, a failing exec, a command pipe opened with
# open.  Ends with status 2.
puts [exec printf "b\na\nc\n" | sort | tr a-z A-Z]
if {[catch {exec sh -c "exit 3"} msg opts]} {
    puts "exec failed: [lrange [dict get $opts -errorcode] 0 0] [lindex [dict get $opts -errorcode] 2]"
}
set p [open "|sh -c {echo from an open pipe; exit 0}" r]
puts [gets $p]
close $p
set p [open "|tr a-z A-Z" r+]
puts $p "both ways"
flush $p
chan close $p write
puts [gets $p]
close $p
puts stderr "to stderr"
exit 2
