#define _GNU_SOURCE
#include "descendants.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "messages.h"
#include "own_child.h"
#include "proc_scan.h"

/* How long a process gets to vanish after SIGKILL (it may be in an
 * uninterruptible sleep) before it is reported as having survived. */
#define KILL_WAIT_MS 1000
/* Between two looks at /proc, unless a child ends first. */
#define POLL_MS 10

static long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static struct leftover *find(struct leftovers *l, pid_t pid)
{
    for (size_t i = 0; i < l->count; i++)
        if (l->items[i].pid == pid && !l->items[i].ended)
            return &l->items[i];
    return NULL;
}

const struct leftover *find_leftover(const struct leftovers *l, pid_t pid)
{
    for (size_t i = 0; i < l->count; i++)
        if (l->items[i].pid == pid)
            return &l->items[i];
    return NULL;
}

static void add(struct leftovers *l, const struct proc_entry *p, pid_t self)
{
    struct leftover *grown = realloc(l->items, (l->count + 1) * sizeof *grown);
    if (!grown)
        return;
    l->items = grown;
    char **argv = read_cmdline(p->pid);
    l->items[l->count++] = (struct leftover){
        .pid = p->pid, .parent = p->ppid == self ? 0 : p->ppid,
        .argv = argv, .pgid = p->pgid, .ppid_now = p->ppid,
        .term_at = -1, .kill_at = -1};
}

/* What happened to a process that has ended, given what was sent. */
static void settle_action(struct leftover *item)
{
    int died_of_kill = item->status_known && WIFSIGNALED(item->status) &&
                       WTERMSIG(item->status) == SIGKILL;
    if (item->kill_at >= 0)
        /* one that was already ending of SIGTERM may still end of that */
        item->action = item->term_at >= 0 && item->status_known && !died_of_kill
                           ? LEFTOVER_TERMINATED
                           : LEFTOVER_KILLED;
    else if (item->term_at >= 0)
        item->action = LEFTOVER_TERMINATED;
    else
        item->action = LEFTOVER_ENDED;
}

static void ended(struct leftover *item, int status_known, int status)
{
    item->ended = 1;
    item->status_known = status_known;
    item->status = status;
    settle_action(item);
}

/* What the latest look at /proc says about one descendant. */
static void note(struct leftovers *l, const struct proc_entry *p, pid_t self)
{
    struct leftover *item = find(l, p->pid);
    if (p->zombie) {
        if (item && p->ppid != self)
            ended(item, 0, 0); /* its parent reaps it */
        else if (item)
            item->ppid_now = p->ppid; /* ours: reaped next */
        return;
    }
    if (!item) {
        add(l, p, self);
        return;
    }
    item->ppid_now = p->ppid;
    item->pgid = p->pgid;
    if (!item->argv || !item->argv[0]) {
        /* found in the middle of an exec: its cmdline reads empty */
        char **argv = read_cmdline(item->pid);
        if (argv) {
            free_argv(item->argv);
            item->argv = argv;
        }
    }
}

/* Reaps every child that has ended: the ones being dealt with, and
 * orphans that ended unseen. */
static void reap(struct leftovers *l)
{
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        struct leftover *item = find(l, pid);
        if (item)
            ended(item, 1, status);
    }
}

/* Adds the descendants of `self` not seen before.  A known one that has
 * ended is done with, unless it is our child: then it waits to be reaped
 * (reap tells how it ended, and it must not be left a zombie).  Returns
 * what names the tree it saw (its pids, hashed): /proc is listed first and
 * each process read after, so a child forked by a parent that then ended
 * before its read is in neither the list nor, as a child of an ending
 * process, anything still to wait for -- only a next look finds it. */
static unsigned long long look(struct leftovers *l, pid_t self)
{
    struct proc_entry *procs;
    size_t n = scan_processes(&procs);
    unsigned long long seen = 0;
    if (!procs)
        return 0; /* /proc unreadable: nothing can be done safely */
    /* every process whose parent is self or a descendant, found by
     * rounds (a parent may come after its child in /proc's order) */
    pid_t *tree = malloc((n + 1) * sizeof *tree);
    char *in = calloc(n ? n : 1, 1);
    size_t count = 0;
    if (tree && in) {
        tree[count++] = self;
        for (size_t before = 0; before != count;) {
            before = count;
            for (size_t i = 0; i < n; i++) {
                if (in[i] || procs[i].pid == self)
                    continue;
                for (size_t j = 0; j < count; j++)
                    if (procs[i].ppid == tree[j]) {
                        in[i] = 1;
                        tree[count++] = procs[i].pid;
                        break;
                    }
            }
        }
        for (size_t i = 0; i < l->count; i++)
            l->items[i].ppid_now = 0;
        for (size_t i = 0; i < n; i++)
            if (in[i]) {
                note(l, &procs[i], self);
                seen += 1 + (unsigned long long)procs[i].pid * 0x9e3779b97f4a7c15ull;
            }
        for (size_t i = 0; i < l->count; i++)
            if (!l->items[i].ended && !l->items[i].ppid_now)
                ended(&l->items[i], 0, 0);
    }
    free(tree);
    free(in);
    free(procs);
    return seen;
}

/* A group signal reaches the members of the group that are not our
 * children yet: they count as sent to as well. */
static void mark_group(struct leftovers *l, pid_t pgid, int signal, long t)
{
    for (size_t i = 0; i < l->count; i++) {
        struct leftover *item = &l->items[i];
        if (item->ended || item->pgid != pgid)
            continue;
        if (signal == SIGTERM && item->term_at < 0)
            item->term_at = t;
        if (signal == SIGKILL && item->kill_at < 0)
            item->kill_at = t;
    }
}

static void send(struct leftovers *l, struct leftover *item, int signal, int group, long t)
{
    if (signal_own_child(item->pid, signal, group) != 0)
        return; /* ended meanwhile: the next reap says how */
    if (signal == SIGTERM)
        item->term_at = t;
    else
        item->kill_at = t;
    if (group && item->pgid != getpgrp())
        mark_group(l, item->pgid, signal, t);
}

/* One step of the policy for a process that is our child now. */
static void act(struct leftovers *l, struct leftover *item, enum child_policy policy,
                long grace_ms, long t)
{
    int group = policy == CHILDREN_GROUP;
    if (policy == CHILDREN_KILL) {
        if (item->kill_at < 0)
            send(l, item, SIGKILL, 0, t);
    } else if (item->term_at < 0) {
        send(l, item, SIGTERM, group, t);
    } else if (item->kill_at < 0 && t - item->term_at >= grace_ms) {
        send(l, item, SIGKILL, group, t);
    }
}

static void give_up(struct leftover *item)
{
    item->given_up = 1;
    item->action = item->kill_at >= 0 ? LEFTOVER_SURVIVED : LEFTOVER_LEFT_RUNNING;
}

/* Whether anything is still being waited for; takes one step for each. */
static int step(struct leftovers *l, enum child_policy policy, long grace_ms, long t,
                long limit, pid_t self)
{
    int pending = 0;
    for (size_t i = 0; i < l->count; i++) {
        struct leftover *item = &l->items[i];
        if (item->ended || item->given_up)
            continue;
        struct leftover *parent = item->ppid_now == self ? NULL : find(l, item->ppid_now);
        if (t >= limit || (item->kill_at >= 0 && t - item->kill_at >= KILL_WAIT_MS) ||
            (parent && parent->given_up)) {
            give_up(item);
            continue;
        }
        if (item->ppid_now == self)
            act(l, item, policy, grace_ms, t);
        pending = 1;
    }
    return pending;
}

/* Until a child ends, or POLL_MS: orphans appear without a signal. */
static void pause_briefly(const sigset_t *chld)
{
    struct timespec timeout = {0, POLL_MS * 1000000L};
    sigtimedwait(chld, NULL, &timeout);
}

void settle_descendants(enum child_policy policy, long grace_ms, struct leftovers *out)
{
    *out = (struct leftovers){0};
    pid_t self = getpid();
    sigset_t chld, old;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, &old);
    long start = now_ms();
    /* a process found this late has outlived four rounds of killing */
    long limit = 4 * (grace_ms + KILL_WAIT_MS);
    /* done when nothing is left to wait for and two looks saw one tree */
    unsigned long long before = ~0ull;
    for (int looks = 1;; looks++) {
        reap(out);
        unsigned long long seen = look(out, self);
        long t = now_ms() - start;
        int settled = seen == before || t >= limit;
        before = seen;
        if (policy == CHILDREN_REPORT) {
            /* left running: a tree that goes on forking is taken as the
             * third look finds it */
            if (!settled && looks < 3) {
                pause_briefly(&chld);
                continue;
            }
            for (size_t i = 0; i < out->count; i++)
                if (!out->items[i].ended)
                    out->items[i].action = LEFTOVER_LEFT_RUNNING;
            reap(out); /* children that ended meanwhile: no zombies left */
            break;
        }
        if (!step(out, policy, grace_ms, t, limit, self) && settled)
            break;
        pause_briefly(&chld);
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
}

void free_leftovers(struct leftovers *l)
{
    for (size_t i = 0; i < l->count; i++)
        free_argv(l->items[i].argv);
    free(l->items);
    *l = (struct leftovers){0};
}

const char *leftover_action_name(enum leftover_action action)
{
    static const char *const names[] = {"left_running", "terminated", "killed", "survived",
                                        "ended"};
    return names[action];
}
