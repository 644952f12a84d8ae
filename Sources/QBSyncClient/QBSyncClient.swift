// QBSyncClient
