/* The cost of starting and ending a process that acquires nothing: spawns
 * /bin/true N times per configuration, the library (if any) in the
 * children only, and takes the children's CPU time and minor faults from
 * getrusage(RUSAGE_CHILDREN).  Configurations run round-robin, ROUNDS
 * rounds, so that load which comes and goes hits them alike; each prints
 * its median per process and the difference from the first.
 *
 *   spawnbench [-n N] [-r ROUNDS] LABEL[=VAR=VALUE[,VAR=VALUE...]] ...
 */
#define _GNU_SOURCE
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

enum { MAX_CONFIGS = 8, MAX_ROUNDS = 64, MAX_VARS = 8 };

struct config {
    char label[64];
    char *envp[MAX_VARS + 2];
    double us[MAX_ROUNDS], faults[MAX_ROUNDS];
};

static double cpu_us(const struct rusage *ru)
{
    return (double)(ru->ru_utime.tv_sec + ru->ru_stime.tv_sec) * 1e6 +
           (double)(ru->ru_utime.tv_usec + ru->ru_stime.tv_usec);
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, by_value);
    return v[n / 2];
}

static void parse(struct config *c, char *arg)
{
    char *eq = strchr(arg, '=');
    int n = 0;
    if (eq)
        *eq = 0;
    snprintf(c->label, sizeof c->label, "%s", arg);
    for (char *var = eq ? strtok(eq + 1, ",") : 0; var && n < MAX_VARS; var = strtok(0, ","))
        c->envp[n++] = var;
    c->envp[n++] = "PATH=/usr/bin:/bin";
    c->envp[n] = 0;
}

static int run(struct config *c, int n, int round)
{
    char *argv[] = {"/bin/true", 0};
    struct rusage before, after;
    getrusage(RUSAGE_CHILDREN, &before);
    for (int i = 0; i < n; i++) {
        pid_t pid;
        int status;
        if (posix_spawn(&pid, argv[0], 0, 0, argv, c->envp) != 0 ||
            waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status)) {
            fprintf(stderr, "spawnbench: /bin/true failed under '%s'\n", c->label);
            return 0;
        }
    }
    getrusage(RUSAGE_CHILDREN, &after);
    c->us[round] = (cpu_us(&after) - cpu_us(&before)) / n;
    c->faults[round] = (double)(after.ru_minflt - before.ru_minflt) / n;
    return 1;
}

int main(int argc, char **argv)
{
    int n = 500, rounds = 7, opt;
    while ((opt = getopt(argc, argv, "n:r:")) != -1) {
        if (opt == 'n')
            n = atoi(optarg);
        else if (opt == 'r')
            rounds = atoi(optarg);
        else
            return 2;
    }
    static struct config configs[MAX_CONFIGS];
    int k = 0;
    for (; optind < argc && k < MAX_CONFIGS; optind++)
        parse(&configs[k++], argv[optind]);
    if (!k || n < 1 || rounds < 1 || rounds > MAX_ROUNDS) {
        fprintf(stderr, "usage: spawnbench [-n N] [-r ROUNDS<=%d] LABEL[=VAR=VALUE,...] ...\n",
                MAX_ROUNDS);
        return 2;
    }
    for (int r = 0; r < rounds; r++)
        for (int i = 0; i < k; i++)
            if (!run(&configs[(i + r) % k], n, r))
                return 1;
    double base = median(configs[0].us, rounds);
    for (int i = 0; i < k; i++) {
        double us = median(configs[i].us, rounds), faults = median(configs[i].faults, rounds);
        printf("spawn /bin/true    %-26s %7.1f us cpu/process", configs[i].label, us);
        if (i)
            printf("  %+7.1f us over %s", us - base, configs[0].label);
        printf("  %5.1f minor faults/process\n", faults);
    }
    return 0;
}
