#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <string.h>

#include "report.h"
#include "unit.h"

static const struct eg_end exit_end = {EG_END_EXIT, 0, 0, 0, 0, 0};

static enum eg_fd_state state_of(int fd)
{
    struct eg_fd_slot *s = eg_fd_slot(fd, 0);
    return s ? EG_WORD_STATE(atomic_load(&s->word)) : EG_FD_EMPTY;
}

/* What the close interposer does around the real call. */
static int tracked_close(int fd)
{
    struct eg_release r;
    eg_fd_release_begin(&r, fd, EG_VIA_close, 0);
    int ret = close(fd);
    eg_fd_release_end(&r, ret < 0 && errno == EBADF, 0);
    return ret;
}

Test(registry, acquire_then_close_is_no_leak)
{
    core_setup(NULL);
    int fd = open("/dev/null", O_RDONLY);
    eg_fd_acquired(fd, EG_VIA_open, 0);
    cr_assert_eq(state_of(fd), EG_FD_OPEN);
    cr_assert_eq(eg_report_take_stock(&exit_end), 1);
    tracked_close(fd);
    cr_assert_eq(state_of(fd), EG_FD_CLOSED);
    cr_assert_eq(eg_report_take_stock(&exit_end), 0);
    cr_assert_eq(eg_report_count_errors(), 0);
}

Test(registry, creation_sequence_grows)
{
    core_setup(NULL);
    int a = open("/dev/null", O_RDONLY), b = open("/dev/null", O_RDONLY);
    eg_fd_acquired(b, EG_VIA_open, 0);
    eg_fd_acquired(a, EG_VIA_open, 0);
    cr_assert_gt(eg_fd_slot(a, 0)->seq, eg_fd_slot(b, 0)->seq);
}

Test(registry, double_close_keeps_the_first_close_stack)
{
    core_setup(NULL);
    int fd = open("/dev/null", O_RDONLY);
    eg_fd_acquired(fd, EG_VIA_open, 0);
    tracked_close(fd);
    uint32_t first = eg_fd_slot(fd, 0)->release_stack;
    cr_assert_eq(tracked_close(fd), -1);
    cr_assert_eq(eg_report_count_errors(), 1);
    const struct eg_error *e = &eg_region->errors[0];
    cr_assert_eq(e->kind, EG_ERR_DOUBLE_CLOSE);
    cr_assert_eq(e->fd, fd);
    cr_assert_eq(e->other_stack, first);
    cr_assert_neq(e->stack, 0);
}

Test(registry, close_of_a_number_never_opened)
{
    core_setup(NULL);
    cr_assert_eq(tracked_close(901), -1);
    cr_assert_eq(eg_region->errors[0].kind, EG_ERR_NEVER_OPENED);
    cr_assert_eq(eg_region->errors[0].fd, 901);
}

Test(registry, close_of_an_unseen_fd_is_not_misuse)
{
    core_setup(NULL);
    int fd = open("/dev/null", O_RDONLY); /* not told to the registry */
    cr_assert_eq(tracked_close(fd), 0);
    cr_assert_eq(eg_report_count_errors(), 0);
    cr_assert_eq(state_of(fd), EG_FD_CLOSED);
}

Test(registry, closing_a_streams_fd_is_misuse_but_fclose_is_not)
{
    core_setup(NULL);
    int fd = open("/dev/null", O_RDONLY);
    eg_fd_acquired(fd, EG_VIA_fopen, EG_FD_FILE);
    uint32_t opened = eg_fd_slot(fd, 0)->stack;
    struct eg_release failed;
    eg_fd_release_begin(&failed, fd, EG_VIA_dup2, 0);
    eg_fd_release_end(&failed, 0, 1); /* dup2 from a bad fd: nothing replaced */
    cr_assert_eq(eg_report_count_errors(), 0, "a failed dup2 onto it is no misuse");
    tracked_close(fd);
    cr_assert_eq(eg_report_count_errors(), 1);
    cr_assert_eq(eg_region->errors[0].kind, EG_ERR_STREAM_FD);
    cr_assert_eq(eg_region->errors[0].other_stack, opened);
    cr_assert_eq(eg_region->errors[0].other_flags, EG_FD_FILE);

    fd = open("/dev/null", O_RDONLY);
    eg_fd_acquired(fd, EG_VIA_opendir, EG_FD_DIR);
    struct eg_release r;
    eg_fd_release_begin(&r, fd, EG_VIA_closedir, 1);
    close(fd);
    eg_fd_release_end(&r, 0, 0);
    cr_assert_eq(eg_report_count_errors(), 1, "closedir is the stream's own release");
}

Test(registry, failed_dup2_puts_the_record_back)
{
    core_setup(NULL);
    int fd = open("/dev/null", O_RDONLY);
    eg_fd_acquired(fd, EG_VIA_open, EG_FD_FILE);
    struct eg_release r;
    eg_fd_release_begin(&r, fd, EG_VIA_dup2, 0);
    cr_assert_eq(state_of(fd), EG_FD_CLOSED, "forgotten before the call");
    cr_assert_eq(dup2(999, fd), -1);
    eg_fd_release_end(&r, 0, 1);
    cr_assert_eq(state_of(fd), EG_FD_OPEN);
    cr_assert(EG_WORD_FLAGS(atomic_load(&eg_fd_slot(fd, 0)->word)) & EG_FD_FILE);
}

Test(registry, range_release_and_inherited_seed)
{
    core_setup(NULL);
    int before = open("/dev/null", O_RDONLY);
    eg_fd_seed_inherited();
    cr_assert_eq(state_of(before), EG_FD_OPEN);
    cr_assert_eq(eg_report_take_stock(&exit_end), 0, "open at start: inherited, not a leak");
    int a = dup2(before, 700), b = dup2(before, 5000); /* second chunk */
    eg_fd_acquired(a, EG_VIA_dup2, 0);
    eg_fd_acquired(b, EG_VIA_dup2, 0);
    cr_assert_eq(eg_report_take_stock(&exit_end), 2);
    eg_fd_release_range(600, ~0u, EG_VIA_closefrom);
    cr_assert_eq(eg_report_take_stock(&exit_end), 0);
    cr_assert_eq(state_of(5000), EG_FD_CLOSED);
}

Test(registry, unseen_close_makes_the_next_acquisition_ask_the_kernel)
{
    core_setup(NULL);
    /* thread B closes a number whose acquisition by thread A has not been
     * recorded yet; A records afterwards: the record must say closed */
    int fd = open("/dev/null", O_RDONLY);
    cr_assert_eq(tracked_close(fd), 0);
    eg_fd_acquired(fd, EG_VIA_open, 0);
    cr_assert_eq(state_of(fd), EG_FD_CLOSED);
    cr_assert_eq(eg_report_take_stock(&exit_end), 0);
    /* and a real later acquisition of the number is recorded open */
    int again = open("/dev/null", O_RDONLY);
    cr_assert_eq(again, fd);
    eg_fd_acquired(again, EG_VIA_open, 0);
    cr_assert_eq(state_of(fd), EG_FD_OPEN);
}
