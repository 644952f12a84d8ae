# frozen_string_literal: true

module Qbsync
  # The client side of one call: where the reader thread leaves what arrives.
  #
  # Only the first outcome counts: a local deadline and the server's status
  # may race, and whichever is recorded first is what the caller sees.
  # An outcome is +:ok+ or an {RpcError}.
  class Call
    # How much longer than the deadline the client waits for the server's own
    # DEADLINE_EXCEEDED before giving up locally (sending Cancel): the server's
    # answer carries its message, so it wins whenever the server is alive.
    LOCAL_DEADLINE_GRACE = 0.1

    attr_reader :stream_id, :deadline, :outcome

    # @param stream_id [Integer]
    # @param deadline [Float, nil] monotonic time after which the caller stops waiting
    def initialize(stream_id, deadline)
      @stream_id = stream_id
      @deadline = deadline
      @mutex = Mutex.new
      @cond = ConditionVariable.new
      @messages = []
      @outcome = nil
    end

    def self.now
      Process.clock_gettime(Process::CLOCK_MONOTONIC)
    end

    # A response message arrived (reader thread).
    def deliver(payload)
      @mutex.synchronize do
        next if @outcome

        @messages << payload
        @cond.broadcast
      end
    end

    # Records the outcome; false when the call had already ended.
    def finish(outcome)
      @mutex.synchronize do
        return false if @outcome

        @outcome = outcome
        @cond.broadcast
        true
      end
    end

    def finished?
      !@outcome.nil?
    end

    # Waits for the next response or the end.
    #
    # @param limit [Float, nil] a monotonic time before the call's deadline at which to stop waiting
    # @return [Array] +[:message, payload]+, +[:end, outcome]+, +[:timeout, nil]+ when the
    #   call's local deadline passed, or +[:limit, nil]+ when +limit+ passed first
    def next_event(limit = nil)
      @mutex.synchronize do
        stop = wait_until(limit) { !@messages.empty? || @outcome }
        return stop if stop
        return [:message, @messages.shift] unless @messages.empty?

        [:end, @outcome]
      end
    end

    # Waits for a unary call's end.
    #
    # @return [Array] +[:ok, payload]+, +[:error, RpcError]+ or +[:timeout, nil]+
    def wait_unary
      @mutex.synchronize do
        stop = wait_until(nil) { @outcome }
        return stop if stop
        return [:error, @outcome] if @outcome.is_a?(RpcError)

        if @messages.size != 1
          return [:error, RpcError.new(StatusCode::INTERNAL,
                                       "the server ended a unary call OK with #{@messages.size} response messages instead of 1")]
        end
        [:ok, @messages[0]]
      end
    end

    private

    # Waits (holding the mutex) until the block is true; returns nil then, or
    # the reason it stopped waiting first.
    def wait_until(limit)
      until yield
        stop, kind = @deadline, :timeout
        stop, kind = limit, :limit if limit && (stop.nil? || limit < stop)
        if stop.nil?
          @cond.wait(@mutex)
          next
        end
        left = stop - Call.now
        return [kind, nil] if left <= 0

        @cond.wait(@mutex, left)
      end
      nil
    end
  end
end
