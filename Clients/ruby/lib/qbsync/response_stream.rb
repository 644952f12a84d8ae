# frozen_string_literal: true

require "qbsync/status"
require "qbsync/call"

module Qbsync
  # The responses of one server-streaming call.
  #
  # The call is already open when the stream is returned. {#each} yields the
  # messages and returns when the server ends the call OK; it raises
  # {RpcError} when the call ends otherwise. {#next} reads one message
  # (raising StopIteration at the end, like Enumerator#next) and {#read}
  # reads one with a timeout. The client grants the server more messages as
  # they are consumed (half the window at a time), so a consumer that pauses
  # holds a bounded number of messages.
  #
  # {#close} cancels the call. Leaving {#each} early (+break+, an exception,
  # or Enumerable methods that stop early such as +first+ or +find+) also
  # closes the stream, as does garbage collection of a stream left open.
  # A stream is for one consumer thread.
  class ResponseStream
    include Enumerable

    # @return [Integer] the call's stream id on its connection
    def stream_id
      @call.stream_id
    end

    # @api private
    def initialize(connection, call, response_class, window, method)
      @connection = connection
      @call = call
      @response_class = response_class
      @grant_every = [window / 2, 1].max
      @consumed = 0
      @method = method
      @closed = false
      @done = false
      ObjectSpace.define_finalizer(self, self.class.finalizer(connection, call))
    end

    # @api private
    def self.finalizer(connection, call)
      proc { connection.cancel_from_finalizer(call.stream_id, "the caller dropped the stream") unless call.finished? }
    end

    # Yields each response message until the call ends.
    #
    # @yieldparam message [Google::Protobuf::MessageExts]
    # @return [self]
    # @raise [RpcError] the call ended with a non-OK status
    def each
      return enum_for(:each) unless block_given?

      completed = false
      begin
        while (message = read)
          yield message
        end
        completed = true
      ensure
        close unless completed
      end
      self
    end

    # The next response message.
    #
    # @raise [StopIteration] the call ended OK (or the stream was closed)
    # @raise [RpcError] the call ended with a non-OK status
    def next
      message = read
      raise StopIteration, "the stream has ended" if message.nil?

      message
    end

    # The next response message, waiting at most +timeout+ seconds.
    #
    # @param timeout [Numeric, nil] seconds; nil waits as long as the call lasts
    # @return [Google::Protobuf::MessageExts, nil] the message, or nil when the call ended OK
    #   (or the stream was closed)
    # @raise [ReadTimeout] no message within +timeout+; the call goes on
    # @raise [RpcError] the call ended with a non-OK status
    def read(timeout: nil)
      limit = timeout && Call.now + timeout
      until @done || @closed
        kind, value = @call.next_event(limit)
        case kind
        when :message
          granted_one
          begin
            return @response_class ? @response_class.decode(value) : value
          rescue Google::Protobuf::ParseError => e
            failure = RpcError.new(StatusCode::INTERNAL, "#{@method}: undecodable response: #{e.message}")
            @connection.cancel(@call, "undecodable response", failure)
            @done = true
            raise failure
          end
        when :end
          @done = true
          return nil if value == :ok || @closed

          raise value
        when :timeout # the local deadline passed without word from the server
          @connection.cancel(@call, "deadline exceeded",
                             RpcError.new(StatusCode::DEADLINE_EXCEEDED, "#{@method}: deadline exceeded (no answer from the server)"))
        when :limit
          raise ReadTimeout, "no message on #{@method} within #{timeout} s"
        end
      end
      nil
    end

    # Stops reading and cancels the call on the server if it is still open.
    # @return [nil]
    def close
      @closed = true
      return if @call.finished?

      @connection.cancel(@call, "closed by the caller", RpcError.new(StatusCode::CANCELLED, "call cancelled"))
      nil
    end
    alias cancel close

    # True once the call has ended (any outcome) or the stream was closed.
    def closed?
      @closed || @call.finished?
    end

    # The call's outcome once ended: +:ok+ or the {RpcError}; nil while open.
    def outcome
      @call.outcome
    end

    private

    def granted_one
      @consumed += 1
      return if @consumed < @grant_every

      @connection.grant(@call, @consumed)
      @consumed = 0
    end
  end
end
