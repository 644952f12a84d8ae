/*
 * The qbsync C client: everything in one include.
 *
 *   #include <qbsync/qbsync.h>
 *
 * <qbsync/client.h> is the hand-written transport (clients, statuses,
 * streams, event loops); <qbsync/methods.h> is generated from Protos/ (one
 * function per RPC, the message types of qbsync.v1, the descriptor registry).
 */
#ifndef QBSYNC_QBSYNC_H
#define QBSYNC_QBSYNC_H

#include <qbsync/client.h>
#include <qbsync/methods.h>

#endif /* QBSYNC_QBSYNC_H */
