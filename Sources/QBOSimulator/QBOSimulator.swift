// QBOSimulator: an HTTP server that behaves like QuickBooks Online v3.
