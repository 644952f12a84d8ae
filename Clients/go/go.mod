module qbsync

go 1.19

require google.golang.org/protobuf v1.28.1

// Offline build against Debian's golang-google-protobuf-dev (apt); no module proxy needed.
replace google.golang.org/protobuf => /usr/share/gocode/src/google.golang.org/protobuf
