# frozen_string_literal: true

require "io/wait"
require "qbsync/rpc/v1/frame_pb"

module Qbsync
  # Framing: a 4-byte big-endian length, then one protobuf +Frame+ (docs/protocol.md §1).
  module Wire
    PROTOCOL_VERSION = 1
    DEFAULT_MAX_FRAME_SIZE = 4 * 1024 * 1024
    DEFAULT_WINDOW = 64
    MAX_METHOD_PATH_BYTES = 256

    Frame = Qbsync::Rpc::V1::Frame

    # The byte stream broke the framing rules.
    class FrameError < StandardError; end

    # A frame (announced or about to be sent) exceeds the receiver's limit.
    class FrameTooLarge < FrameError
      attr_reader :size, :limit

      def initialize(size, limit, direction)
        super("#{direction} frame of #{size} bytes exceeds the limit of #{limit} bytes")
        @size = size
        @limit = limit
      end
    end

    # Reading did not finish before its deadline.
    class ReadTimedOut < StandardError; end

    module_function

    # A Hello's +max_frame_size+, with 0 meaning the 4 MiB default.
    def effective_limit(announced)
      announced.zero? ? DEFAULT_MAX_FRAME_SIZE : announced
    end

    # Serializes one frame with its length prefix.
    #
    # @raise [FrameTooLarge] the body is larger than +limit+ (the peer's maximum)
    def encode(frame, limit = DEFAULT_MAX_FRAME_SIZE)
      body = Frame.encode(frame)
      raise FrameTooLarge.new(body.bytesize, limit, "outgoing") if body.bytesize > limit

      [body.bytesize].pack("N") << body
    end

    # The client's first frame, offering +version+.
    def hello_frame(max_frame_size, agent, version = PROTOCOL_VERSION)
      Frame.new(
        stream_id: 0,
        hello: Qbsync::Rpc::V1::Hello.new(protocol_version: version, max_frame_size: max_frame_size, agent: agent)
      )
    end

    # Reads whole frames from a blocking IO.
    #
    # The length prefix is checked against the limit before the body is read,
    # so a broken peer cannot make the client buffer more.
    class FrameReader
      CHUNK = 256 * 1024

      def initialize(io, limit = DEFAULT_MAX_FRAME_SIZE)
        @io = io
        @limit = limit
        @buffer = String.new(capacity: CHUNK, encoding: Encoding::BINARY)
        @chunk = String.new(capacity: CHUNK, encoding: Encoding::BINARY)
        @pos = 0
      end

      # The next frame, or nil at a clean end of stream.
      #
      # @param deadline [Float, nil] monotonic time after which {ReadTimedOut} is raised
      # @raise [FrameTooLarge] the length prefix is over the limit
      # @raise [FrameError] the stream ended inside a frame, the body is not a Frame, or it has no kind
      # @raise [SystemCallError, IOError] the socket failed
      def read(deadline = nil)
        unless fill(4, deadline)
          raise FrameError, "connection closed inside a length prefix" if available.positive?

          return nil
        end
        length = @buffer.unpack1("N", offset: @pos)
        raise FrameTooLarge.new(length, @limit, "incoming") if length > @limit
        raise FrameError, "connection closed inside a frame of #{length} bytes" unless fill(4 + length, deadline)

        body = @buffer.byteslice(@pos + 4, length)
        @pos += 4 + length
        compact
        begin
          frame = Frame.decode(body)
        rescue Google::Protobuf::ParseError => e
          raise FrameError, "undecodable frame of #{length} bytes: #{e.message}"
        end
        raise FrameError, "frame with no kind" if frame.kind.nil?

        frame
      end

      private

      def available
        @buffer.bytesize - @pos
      end

      def compact
        if @pos == @buffer.bytesize
          @buffer.clear
          @pos = 0
        elsif @pos > CHUNK
          @buffer = @buffer.byteslice(@pos, @buffer.bytesize - @pos)
          @pos = 0
        end
      end

      def fill(wanted, deadline)
        while available < wanted
          if deadline
            left = deadline - Process.clock_gettime(Process::CLOCK_MONOTONIC)
            raise ReadTimedOut, "timed out" if left <= 0 || !@io.wait_readable(left)
          end
          begin
            @io.readpartial([CHUNK, wanted - available].max, @chunk)
          rescue EOFError
            return false
          end
          @buffer << @chunk
        end
        true
      end
    end
  end
end
