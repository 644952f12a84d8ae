# frozen_string_literal: true

require "socket"
require "qbsync/status"
require "qbsync/wire"
require "qbsync/call"

module Qbsync
  # One socket to the server, shared by every call of a {Client}.
  #
  # A reader thread demultiplexes inbound frames to the calls waiting for
  # them. Callers write their own frames under a write lock; stream ids are
  # taken under the same lock, so opens reach the socket in strictly
  # increasing id order however many threads call at once. A writer thread
  # sends what must not be written from the reader thread or from a finalizer
  # (pongs, cancels of dropped streams) and closes the socket at the end.
  class Connection
    MAX_STREAM_ID = 2**32 - 1

    # The call never left the client (the connection was already unusable): safe to retry.
    class NotSent < RpcError; end

    # The error a GoAway stands for, carrying the server's message.
    def self.goaway_error(goaway)
      reason = goaway.reason
      name = reason.is_a?(Symbol) ? reason.to_s.delete_prefix("GO_AWAY_REASON_") : "REASON_#{reason}"
      number = Qbsync::Rpc::V1::GoAwayReason.resolve(reason.to_sym) if reason.is_a?(Symbol)
      message = goaway.message.empty? ? "the server closed the connection (#{name})" : goaway.message
      GoAwayError.new(goaway.code.zero? ? StatusCode::UNAVAILABLE : goaway.code, message, number || reason, name, goaway.last_stream_id)
    end

    # Connects and exchanges Hellos (docs/protocol.md §3).
    #
    # @raise [GoAwayError] the server refused the connection (its message says why)
    # @raise [RpcError] UNAVAILABLE when the server cannot be reached or does not answer in time
    def self.connect(socket_path, max_frame_size:, connect_timeout:, agent:, protocol_version: Wire::PROTOCOL_VERSION)
      deadline = Call.now + connect_timeout
      sock = nil
      begin
        sock = Socket.new(:UNIX, :STREAM)
        address = Socket.sockaddr_un(socket_path)
        begin
          sock.connect_nonblock(address)
        rescue IO::WaitWritable
          raise Wire::ReadTimedOut, "connect timed out" unless sock.wait_writable([deadline - Call.now, 0].max)

          begin
            sock.connect_nonblock(address)
          rescue Errno::EISCONN
            nil
          end
        end
        reader = Wire::FrameReader.new(sock, max_frame_size)
        begin
          sock.write(Wire.encode(Wire.hello_frame(max_frame_size, agent, protocol_version)))
        rescue Errno::EPIPE, Errno::ECONNRESET => e
          # A server refusing this peer sends its GoAway at once and closes,
          # maybe before the Hello is written: its reason is still to be read.
          begin
            await_hello(sock, reader, [deadline, Call.now + 1].min)
          rescue GoAwayError
            raise
          rescue StandardError
            raise e
          end
        end
        hello = await_hello(sock, reader, deadline)
      rescue RpcError
        sock&.close
        raise
      rescue Wire::ReadTimedOut
        sock&.close
        raise RpcError.new(StatusCode::UNAVAILABLE, "no Hello from #{socket_path} within #{connect_timeout} s")
      rescue SystemCallError, IOError, SocketError, ArgumentError, Wire::FrameError => e
        sock&.close
        raise RpcError.new(StatusCode::UNAVAILABLE, "cannot connect to #{socket_path}: #{e.message}")
      end
      new(sock, reader, hello)
    end

    def self.await_hello(sock, reader, deadline)
      loop do
        frame = reader.read(deadline)
        raise RpcError.new(StatusCode::UNAVAILABLE, "the server closed the connection during the handshake") if frame.nil?

        case frame.kind
        when :goaway
          raise goaway_error(frame.goaway)
        when :ping
          sock.write(Wire.encode(Wire::Frame.new(stream_id: 0, pong: frame.ping)))
          next
        when :hello
          raise RpcError.new(StatusCode::INTERNAL, "the server sent its Hello on stream #{frame.stream_id}") unless frame.stream_id.zero?
        else
          raise RpcError.new(StatusCode::INTERNAL, "the server answered the Hello with a #{frame.kind} frame on stream #{frame.stream_id}")
        end
        version = frame.hello.protocol_version
        if version != Wire::PROTOCOL_VERSION
          raise RpcError.new(StatusCode::FAILED_PRECONDITION,
                             "the server speaks protocol version #{version}; this client speaks #{Wire::PROTOCOL_VERSION}")
        end
        return frame.hello
      end
    end
    private_class_method :await_hello

    # @return [Qbsync::Rpc::V1::Hello] the server's Hello
    attr_reader :server_hello

    def initialize(sock, reader, server_hello)
      @server_hello = server_hello
      @sock = sock
      @reader = reader
      @send_limit = Wire.effective_limit(server_hello.max_frame_size)
      @lock = Mutex.new        # calls, pings, ids, refusal
      @write_lock = Mutex.new  # the socket's write side; taken before @lock when both are held
      @calls = {}
      @next_stream_id = 1
      @pings = {}
      @next_ping = 1
      @refusal = nil # set once no new call may start here (GoAway, broken socket, close)
      @outbox = Thread::Queue.new
      @reader_thread = Thread.new { read_loop }
      @reader_thread.name = "qbsync-reader"
      @reader_thread.report_on_exception = false
      @writer_thread = Thread.new { write_loop }
      @writer_thread.name = "qbsync-writer"
      @writer_thread.report_on_exception = false
    end

    # False once the connection refuses new calls; the client then reconnects.
    def usable?
      @refusal.nil?
    end

    # Opens a call and sends its request (+open+ and +message+ in one write).
    #
    # @param timeout [Float, nil] seconds, > 0; nil for none
    # @raise [NotSent] the connection was no longer usable; nothing was sent
    # @raise [RpcError] RESOURCE_EXHAUSTED when the request exceeds the server's frame limit
    def open_call(path, payload, timeout:, metadata:, window:)
      deadline = nil
      micros = 0
      if timeout
        micros = [[(timeout * 1_000_000).ceil, 1].max, 2**64 - 1].min
        deadline = Call.now + timeout + Call::LOCAL_DEADLINE_GRACE
      end
      open = Qbsync::Rpc::V1::OpenCall.new(
        method: path,
        timeout_micros: micros,
        metadata: metadata.map { |k, v| Qbsync::Rpc::V1::MetadataEntry.new(key: k, value: v) },
        initial_window: window
      )
      message = Qbsync::Rpc::V1::Message.new(payload: payload, end_of_stream: true)
      call = nil
      @write_lock.synchronize do
        data = nil
        @lock.synchronize do
          raise NotSent.new(@refusal.code, @refusal.message) if @refusal

          stream_id = @next_stream_id
          if stream_id >= MAX_STREAM_ID
            @refusal = RpcError.new(StatusCode::UNAVAILABLE, "stream ids exhausted on this connection")
            raise NotSent.new(@refusal.code, @refusal.message)
          end
          begin
            data = Wire.encode(Wire::Frame.new(stream_id: stream_id, open: open), @send_limit)
            data << Wire.encode(Wire::Frame.new(stream_id: stream_id, message: message), @send_limit)
          rescue Wire::FrameTooLarge => e
            raise RpcError.new(StatusCode::RESOURCE_EXHAUSTED, "request not sent: #{e.message}")
          end
          @next_stream_id = stream_id + 1
          call = Call.new(stream_id, deadline)
          @calls[stream_id] = call
        end
        write_locked(data)
      end
      call
    end

    # Ends a call locally with +outcome+ and tells the server to stop it.
    def cancel(call, reason, outcome)
      registered = @lock.synchronize { @calls.delete(call.stream_id).equal?(call) }
      return unless call.finish(outcome) && registered

      send_frame(Wire::Frame.new(stream_id: call.stream_id, cancel: Qbsync::Rpc::V1::Cancel.new(reason: reason)))
    end

    # Like {#cancel} but takes no lock: safe from a finalizer on any thread.
    def cancel_from_finalizer(stream_id, reason)
      @outbox.push([:cancel, stream_id, reason])
    rescue ClosedQueueError
      nil
    end

    # Lets the server send +messages+ more responses on a stream.
    def grant(call, messages)
      return if call.finished?

      send_frame(Wire::Frame.new(stream_id: call.stream_id, window_update: Qbsync::Rpc::V1::WindowUpdate.new(messages: messages)))
    end

    # Sends a ping and waits for its pong.
    #
    # @return [Float] the round trip in seconds
    def ping(timeout)
      started = Call.now
      waiter = Call.new(0, timeout && started + timeout)
      opaque = @lock.synchronize do
        raise NotSent.new(@refusal.code, @refusal.message) if @refusal

        id = @next_ping
        @next_ping += 1
        @pings[id] = waiter
        id
      end
      send_frame(Wire::Frame.new(stream_id: 0, ping: Qbsync::Rpc::V1::Ping.new(opaque: opaque)))
      kind, value = waiter.next_event
      if kind == :timeout
        @lock.synchronize { @pings.delete(opaque) }
        raise RpcError.new(StatusCode::DEADLINE_EXCEEDED, "no pong within #{timeout} s")
      end
      raise value if value.is_a?(RpcError)

      Call.now - started
    end

    # Ends every call with +outcome+, sends what is queued, and closes the socket.
    def close(outcome)
      shut(outcome, outcome)
      @writer_thread.join(1.0) unless Thread.current == @writer_thread
      close_socket
    end

    private

    # MARK: Writing

    def send_frame(frame)
      @write_lock.synchronize { write_locked(Wire.encode(frame, @send_limit)) }
    end

    # Writes with @write_lock held; a failed write ends the connection.
    def write_locked(data)
      @sock.write(data)
    rescue SystemCallError, IOError => e
      lost = RpcError.new(StatusCode::UNAVAILABLE, "connection to the server was lost: #{e.message}")
      shut(lost, lost)
    end

    def write_loop
      loop do
        item = @outbox.pop
        break if item.nil? || item == :stop

        if item.is_a?(Array) # a cancel requested by a finalizer
          _, stream_id, reason = item
          call = @lock.synchronize { @calls.delete(stream_id) }
          next if call.nil? || !call.finish(RpcError.new(StatusCode::CANCELLED, reason))

          item = Wire.encode(Wire::Frame.new(stream_id: stream_id, cancel: Qbsync::Rpc::V1::Cancel.new(reason: reason)))
        end
        @write_lock.synchronize { write_locked(item) }
      end
    ensure
      close_socket
      @reader_thread.join(5)
      begin
        @sock.close
      rescue IOError
        nil
      end
    end

    # Shuts the socket down both ways: wakes the reader, and a writer stuck on a peer that does not read.
    def close_socket
      @sock.shutdown(Socket::SHUT_RDWR)
    rescue SystemCallError, IOError
      nil
    end

    # MARK: Reader thread

    def read_loop
      lost = RpcError.new(StatusCode::UNAVAILABLE, "connection to the server was lost")
      begin
        loop do
          frame = @reader.read
          break if frame.nil?
          return unless dispatch(frame)
        end
      rescue Wire::FrameError => e
        lost = RpcError.new(StatusCode::INTERNAL, "the server broke the protocol: #{e.message}")
      rescue SystemCallError, IOError => e
        lost = RpcError.new(StatusCode::UNAVAILABLE, "connection to the server was lost: #{e.message}")
      rescue Exception => e # rubocop:disable Lint/RescueException -- no call may be left waiting forever
        lost = RpcError.new(StatusCode::INTERNAL, "the client's reader failed: #{e.inspect}")
      end
      shut(lost, lost)
    end

    # Routes one inbound frame; false when the connection is over.
    def dispatch(frame)
      case frame.kind
      when :message
        call = @lock.synchronize { @calls[frame.stream_id] }
        call&.deliver(frame.message.payload)
      when :status
        call = @lock.synchronize { @calls.delete(frame.stream_id) }
        call&.finish(frame.status.code.zero? ? :ok : RpcError.from_status(frame.status))
      when :ping
        @outbox.push(Wire.encode(Wire::Frame.new(stream_id: 0, pong: frame.ping), @send_limit))
      when :pong
        waiter = @lock.synchronize { @pings.delete(frame.pong.opaque) }
        waiter&.finish(:ok)
      when :goaway
        return received_goaway(frame.goaway)
      else
        error = RpcError.new(StatusCode::INTERNAL, "the server sent a #{frame.kind} frame, which only clients send")
        shut(error, error)
        return false
      end
      true
    end

    def received_goaway(goaway)
      error = Connection.goaway_error(goaway)
      unless error.reason_name == "SHUTDOWN"
        shut(error, error)
        return false
      end
      # Graceful: calls up to last_stream_id finish here; later ones were never
      # processed, so they fail UNAVAILABLE and may be retried elsewhere.
      unprocessed = @lock.synchronize do
        @refusal ||= RpcError.new(StatusCode::UNAVAILABLE, "the server is shutting down: #{goaway.message}")
        ids = @calls.keys.select { |id| id > goaway.last_stream_id }.sort
        ids.map { |id| @calls.delete(id) }
      end
      unprocessed.each do |call|
        call.finish(RpcError.new(StatusCode::UNAVAILABLE,
                                 "not processed: the server is shutting down (stream #{call.stream_id} > last accepted " \
                                 "#{goaway.last_stream_id}); safe to retry"))
      end
      true
    end

    # Refuses new calls, ends the open ones with +outcome+, and lets the writer close the socket.
    def shut(refusal, outcome)
      calls, pings = @lock.synchronize do
        @refusal ||= refusal
        taken = [@calls.values, @pings.values]
        @calls = {}
        @pings = {}
        taken
      end
      calls.each { |call| call.finish(outcome) }
      pings.each { |waiter| waiter.finish(RpcError.new(StatusCode::UNAVAILABLE, "no pong: #{outcome.message}")) }
      @outbox.push(:stop)
    rescue ClosedQueueError
      nil
    end
  end
end
