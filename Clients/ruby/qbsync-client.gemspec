# frozen_string_literal: true

require_relative "lib/qbsync/version"

Gem::Specification.new do |spec|
  spec.name = "qbsync-client"
  spec.version = Qbsync::VERSION
  spec.summary = "Client of qbsync, the QuickBooks Online sync service (Unix socket, length-prefixed protobuf frames)"
  spec.description = "Every RPC of qbsync.v1.QuickBooksSync as a Ruby method over one multiplexed Unix-socket " \
                     "connection: deadlines, server streams with flow control, cancellation, typed status details."
  spec.authors = ["qbsync"]
  spec.license = "Nonstandard"
  spec.required_ruby_version = ">= 3.1"
  # lib/: the hand-written transport; generated/: protoc's message classes and the per-RPC methods.
  spec.files = Dir.chdir(__dir__) { Dir["lib/**/*.rb", "generated/**/*.rb", "README.md"].sort }
  spec.require_paths = %w[lib generated]
  spec.add_dependency "google-protobuf", ">= 3.21", "< 5"
end
