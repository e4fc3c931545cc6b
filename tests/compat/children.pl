# perl: system, backticks, open with a pipe (both ways), fork/wait.
# Ends with status 2.
use strict;
use warnings;
$| = 1;
mkdir "out";

system("echo system");
print "system status ", $? >> 8, "\n";
system("sh", "-c", "exit 3");
print "list system status ", $? >> 8, "\n";
my $text = `echo backticks; echo second line`;
print $text;
print "backticks status ", $? >> 8, "\n";

open(my $from, "-|", "printf 'a\\nb\\nc\\n' | sort -r") or die "open: $!";
while (<$from>) { print "from a pipe: $_"; }
close($from);
open(my $to, "|-", "tr a-z A-Z >out/upper.txt") or die "open: $!";
print $to "written through a pipe\n";
close($to);
print "close status ", $? >> 8, "\n";

my $pid = fork();
die "fork: $!" unless defined $pid;
if ($pid == 0) { exit 4; }
waitpid($pid, 0);
print "forked child exited ", $? >> 8, "\n";
my @kids = map { my $p = fork(); if ($p == 0) { exit $_ } $p } (1 .. 3);
my $sum = 0;
for (@kids) { wait(); $sum += $? >> 8; }
print "three children, statuses summing to $sum\n";
{
    local %ENV = (PATH => "/usr/bin:/bin");
    system("sh", "-c", 'echo "scrubbed environment: PATH=$PATH HOME=${HOME-unset}"');
}
print STDERR "to stderr\n";
exit 2;
