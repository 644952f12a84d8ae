// QBSyncRPC: the multiplexed RPC server on a Unix domain socket.
