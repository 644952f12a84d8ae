# frozen_string_literal: true

require "qbsync/client"
