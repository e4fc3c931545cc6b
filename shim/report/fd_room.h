/* fd_room.c: the soft fd limit raised for the report of a process that
 * has none left, and put back. */
#ifndef EXITGUARD_FD_ROOM_H
#define EXITGUARD_FD_ROOM_H

void eg_fd_room_make(void);
void eg_fd_room_give_back(void);

#endif
