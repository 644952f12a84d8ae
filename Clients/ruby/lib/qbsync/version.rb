# frozen_string_literal: true

module Qbsync
  # The client library's version.
  VERSION = "0.1.0"
end
