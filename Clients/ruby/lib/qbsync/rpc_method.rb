# frozen_string_literal: true

module Qbsync
  # One RPC of a service, as the generated method tables describe it.
  #
  # @!attribute [r] name
  #   @return [String] the method's name in the .proto, e.g. "GetHealth"
  # @!attribute [r] ruby_name
  #   @return [Symbol] the Client method, e.g. :get_health
  # @!attribute [r] path
  #   @return [String] "/qbsync.v1.QuickBooksSync/GetHealth"
  # @!attribute [r] request_class
  #   @return [Class] the generated request message class
  # @!attribute [r] response_class
  #   @return [Class] the generated response message class
  # @!attribute [r] server_streaming
  #   @return [Boolean] true when the call returns a stream of responses
  RpcMethod = Struct.new(:name, :ruby_name, :path, :request_class, :response_class, :server_streaming, keyword_init: true) do
    alias_method :server_streaming?, :server_streaming
  end
end
