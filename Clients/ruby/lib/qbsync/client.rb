# frozen_string_literal: true

# lib/ and the generated tree (message classes, per-RPC methods) next to it,
# for a checkout loaded with require_relative; the gemspec puts both on the
# load path of an installed gem.
[File.expand_path("..", __dir__), File.expand_path("../../generated", __dir__)].each do |dir|
  $LOAD_PATH.push(dir) if File.directory?(dir) && !$LOAD_PATH.include?(dir)
end

require "google/protobuf"
require "qbsync/version"
require "qbsync/status"
require "qbsync/rpc_method"
require "qbsync/wire"
require "qbsync/call"
require "qbsync/connection"
require "qbsync/request_check"
require "qbsync/response_stream"
require "qbsync/v1/service_pb"
require "qbsync/v1/quick_books_sync_methods"

module Qbsync
  # A client of the qbsync service on a Unix domain socket.
  #
  # One connection carries every call, from any number of threads. It is
  # opened on the first call (or {#connect}); after the server goes away or
  # the socket breaks, in-flight calls fail UNAVAILABLE and the next call
  # opens a new connection. Each RPC of +qbsync.v1.QuickBooksSync+ is a method
  # named in snake_case (+get_health+, +sync_invoice+, ...) taking the request
  # (a message, a Hash, or nil) and +timeout:+ / +metadata:+; +bulk_sync+ and
  # +stream_sync_events+ return a {ResponseStream}. Failures raise {RpcError}.
  #
  # @example
  #   Qbsync::Client.open("/tmp/qbsync.sock") do |client|
  #     health = client.get_health(company_id: "demo")
  #   end
  class Client
    include Qbsync::V1::QuickBooksSyncMethods

    # The agent string sent in the Hello.
    AGENT = "qbsync-ruby-client/#{VERSION}"

    # Every RPC of the service by its .proto name ("GetHealth" => {RpcMethod}).
    RPCS = Qbsync::V1::QuickBooksSyncMethods::RPCS

    attr_reader :socket_path, :timeout, :stream_timeout, :connect_timeout, :max_frame_size, :stream_window

    # The {RpcMethod} of an RPC by its .proto name ("GetHealth") or Ruby name (:get_health); nil if none.
    def self.rpc(name)
      RPCS[name.to_s] || RPCS.each_value.find { |m| m.ruby_name == name.to_sym }
    end

    # Creates a client, yields it, and closes it when the block returns.
    def self.open(socket_path, **options)
      client = new(socket_path, **options)
      return client unless block_given?

      begin
        yield client
      ensure
        client.close
      end
    end

    # Creates a client; nothing is connected until the first call.
    #
    # @param socket_path [String] the server's Unix socket
    # @param timeout [Numeric, nil] default deadline of unary calls, seconds; nil for none
    # @param stream_timeout [Numeric, nil] default deadline of streaming calls; nil (default) for none
    # @param connect_timeout [Numeric] how long connecting plus the Hello exchange may take
    # @param max_frame_size [Integer] largest frame body accepted from the server, bytes
    # @param stream_window [Integer] response messages the server may send ahead on a stream
    def initialize(socket_path, timeout: 30.0, stream_timeout: nil, connect_timeout: 5.0,
                   max_frame_size: Wire::DEFAULT_MAX_FRAME_SIZE, stream_window: Wire::DEFAULT_WINDOW,
                   agent: AGENT, protocol_version: Wire::PROTOCOL_VERSION)
      raise ArgumentError, "stream_window must be between 1 and 2**32 - 1" unless (1...2**32).cover?(stream_window)
      raise ArgumentError, "max_frame_size must be between 4096 and 2**32 - 1" unless (4096...2**32).cover?(max_frame_size)

      @socket_path = socket_path.to_s
      @timeout = timeout
      @stream_timeout = stream_timeout
      @connect_timeout = connect_timeout
      @max_frame_size = max_frame_size
      @stream_window = stream_window
      @agent = agent
      @protocol_version = protocol_version
      @lock = Mutex.new
      @connection = nil
      @closed = false
    end

    # Connects now if not connected.
    #
    # @return [Qbsync::Rpc::V1::Hello] the server's Hello
    # @raise [GoAwayError] the server refused the connection (e.g. VERSION_MISMATCH, PERMISSION_DENIED)
    # @raise [RpcError] UNAVAILABLE when the server cannot be reached
    def connect
      current.server_hello
    end

    # Sends a ping on the connection and waits for the pong.
    #
    # @param timeout [Numeric, nil] seconds; nil uses the client's +timeout+
    # @return [Float] the round trip in seconds
    def ping(timeout: nil)
      timeout = @timeout if timeout.nil?
      with_retry { current.ping(timeout) }
    end

    # Closes the connection: open calls end CANCELLED, later calls fail UNAVAILABLE.
    def close
      connection = @lock.synchronize do
        @closed = true
        taken = @connection
        @connection = nil
        taken
      end
      connection&.close(RpcError.new(StatusCode::CANCELLED, "the client was closed"))
      nil
    end

    def closed?
      @closed
    end

    # Calls any unary method by path; the generated methods use this.
    #
    # @param path [String] "/<package>.<Service>/<Method>"
    # @param request [Google::Protobuf::MessageExts, String] the request message, or its encoding
    # @param response_class [Class, nil] the generated response class; nil returns the encoded bytes
    # @param timeout [Numeric, nil] seconds; nil uses the client's +timeout+; Float::INFINITY for none
    # @param metadata [Hash{String=>String}, nil] key/value pairs sent with the call
    # @return [Google::Protobuf::MessageExts, String] the response
    # @raise [RpcError] the call ended with a non-OK status
    def call_unary(path, request, response_class, timeout: nil, metadata: nil)
      timeout = @timeout if timeout.nil?
      connection, call = open_call(path, request, timeout, metadata, 1)
      begin
        outcome, value = call.wait_unary
        if outcome == :timeout
          connection.cancel(call, "deadline exceeded",
                            RpcError.new(StatusCode::DEADLINE_EXCEEDED, "#{path}: deadline exceeded (no answer from the server)"))
          outcome, value = call.wait_unary # the server's answer may have won the race
        end
      rescue Exception # rubocop:disable Lint/RescueException -- Thread#raise, Timeout, Interrupt: stop the call
        connection.cancel(call, "the caller was interrupted", RpcError.new(StatusCode::CANCELLED, "call cancelled"))
        raise
      end
      raise value if outcome == :error
      return value if response_class.nil?

      begin
        response_class.decode(value)
      rescue Google::Protobuf::ParseError => e
        raise RpcError.new(StatusCode::INTERNAL, "#{path}: undecodable response: #{e.message}")
      end
    end

    # Opens any server-streaming method by path; the generated methods use this.
    #
    # @param path [String] "/<package>.<Service>/<Method>"
    # @param request [Google::Protobuf::MessageExts, String] the request message, or its encoding
    # @param response_class [Class, nil] the generated response class; nil yields encoded bytes
    # @param timeout [Numeric, nil] seconds; nil uses the client's +stream_timeout+
    # @param metadata [Hash{String=>String}, nil] key/value pairs sent with the call
    # @return [ResponseStream] the open call
    def call_server_streaming(path, request, response_class, timeout: nil, metadata: nil)
      timeout = @stream_timeout if timeout.nil?
      connection, call = open_call(path, request, timeout, metadata, @stream_window)
      ResponseStream.new(connection, call, response_class, @stream_window, path)
    end

    def inspect
      "#<#{self.class.name} #{@socket_path}>"
    end

    private

    # The request message of a generated method: a message of +klass+, a Hash for +klass.new+,
    # or nil (then +fields+, the method's extra keywords, are the request's fields).
    def build_request(request, klass, fields = nil)
      unless fields.nil? || fields.empty?
        raise ArgumentError, "give the request or its fields as keywords, not both" unless request.nil?

        request = fields
      end
      case request
      when nil then klass.new
      when klass then request
      when Hash then klass.new(request.transform_keys(&:to_sym))
      else
        raise TypeError, "expected a #{klass.descriptor.name} (or a Hash), not #{request.class}"
      end
    end

    def current
      @lock.synchronize do
        raise RpcError.new(StatusCode::UNAVAILABLE, "the client is closed") if @closed

        if @connection.nil? || !@connection.usable?
          # The old connection, if any, drains its calls and closes by itself.
          @connection = Connection.connect(@socket_path, max_frame_size: @max_frame_size, connect_timeout: @connect_timeout,
                                                         agent: @agent, protocol_version: @protocol_version)
        end
        @connection
      end
    end

    # Runs the block on the current connection, once more on a fresh one if nothing was sent.
    def with_retry
      attempt = 0
      begin
        yield
      rescue Connection::NotSent => e
        attempt += 1
        retry if attempt < 2
        raise RpcError.new(e.code, e.message)
      end
    end

    def open_call(path, request, timeout, metadata, window)
      path = RequestCheck.utf8(path.to_s)
      RequestCheck.check_path!(path)
      if request.is_a?(String)
        payload = request.b
      else
        RequestCheck.check_request!(request)
        payload = request.class.encode(request)
      end
      entries = RequestCheck.metadata_entries(metadata)
      if timeout
        if timeout.to_f.infinite? && timeout.positive?
          timeout = nil
        elsif !(timeout.to_f > 0) # also catches NaN
          raise RpcError.new(StatusCode::DEADLINE_EXCEEDED, "#{path}: deadline exceeded before the call started")
        end
      end
      with_retry do
        connection = current
        [connection, connection.open_call(path, payload, timeout: timeout&.to_f, metadata: entries, window: window)]
      end
    end
  end
end
