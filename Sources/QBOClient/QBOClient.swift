// QBOClient: QuickBooks Online Accounting API v3 over libcurl.
