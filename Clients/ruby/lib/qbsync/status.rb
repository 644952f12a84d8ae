# frozen_string_literal: true

require "google/protobuf"

module Qbsync
  # gRPC canonical status codes, as carried by +Status.code+ on the wire.
  module StatusCode
    OK = 0
    CANCELLED = 1
    UNKNOWN = 2
    INVALID_ARGUMENT = 3
    DEADLINE_EXCEEDED = 4
    NOT_FOUND = 5
    ALREADY_EXISTS = 6
    PERMISSION_DENIED = 7
    RESOURCE_EXHAUSTED = 8
    FAILED_PRECONDITION = 9
    ABORTED = 10
    OUT_OF_RANGE = 11
    UNIMPLEMENTED = 12
    INTERNAL = 13
    UNAVAILABLE = 14
    DATA_LOSS = 15
    UNAUTHENTICATED = 16

    NAMES = constants.to_h { |name| [const_get(name), name.to_s] }.freeze
    private_constant :NAMES

    # The name of a code: +StatusCode.name(5)+ is "NOT_FOUND"; "CODE_17" for one this client does not know.
    def self.name_of(code)
      NAMES.fetch(code) { "CODE_#{code}" }
    end

    # The code of a name: +StatusCode.from_name("NOT_FOUND")+ is 5; nil when unknown.
    def self.from_name(name)
      NAMES.key(name.to_s)
    end
  end

  # A call that ended with a non-OK status.
  #
  # Raised for statuses the server sent and for failures the client detects
  # itself (a deadline with no answer, a broken connection, a request refused
  # before sending).
  class RpcError < StandardError
    # A typed attachment of a status: +type+ is the full protobuf message name
    # (e.g. "qbsync.v1.FieldViolation"), +value+ its encoding.
    Detail = Struct.new(:type, :value)

    # @return [Integer] the gRPC status code (see {StatusCode})
    attr_reader :code
    # @return [Array<Detail>] the typed details, in the order the server sent them
    attr_reader :details

    # @param code [Integer] the status code
    # @param message [String] the human-readable explanation
    # @param details [Array<Detail, Array(String, String)>] typed details
    def initialize(code, message = "", details = [])
      @code = Integer(code)
      @status_message = message.to_s
      @details = details.map { |d| d.is_a?(Detail) ? d : Detail.new(d[0].to_s, d[1].to_s.b) }.freeze
      super(@status_message)
    end

    # Builds the error of a +qbsync.rpc.v1.Status+ frame.
    def self.from_status(status)
      new(status.code, status.message, status.details.map { |d| Detail.new(d.type, d.value) })
    end

    # @return [String] the status message (the server's explanation), without the code
    def message
      @status_message
    end

    # @return [String] the code's name, e.g. "INVALID_ARGUMENT"
    def code_name
      StatusCode.name_of(@code)
    end

    # Decodes every detail of one message type.
    #
    # @param message_class [Class] a generated message class, e.g. +Qbsync::V1::FieldViolation+
    # @return [Array<Google::Protobuf::MessageExts>] the decoded details, in order
    def details_of(message_class)
      name = message_class.descriptor.name
      @details.select { |d| d.type == name }.map { |d| message_class.decode(d.value) }
    end

    # Decodes the first detail of one message type.
    #
    # @param message_class [Class] a generated message class, e.g. +Qbsync::V1::ErrorDetail+
    # @return [Google::Protobuf::MessageExts, nil] the detail, or nil when there is none
    def detail(message_class)
      details_of(message_class).first
    end

    # Every detail decoded by its type name from the loaded message types.
    #
    # @return [Array<Array(String, Object)>] +[type, message]+ pairs; the message is nil
    #   for a type this client does not know or a value that does not decode
    def decoded_details
      @details.map do |d|
        descriptor = Google::Protobuf::DescriptorPool.generated_pool.lookup(d.type)
        message = begin
          descriptor.is_a?(Google::Protobuf::Descriptor) ? descriptor.msgclass.decode(d.value) : nil
        rescue Google::Protobuf::ParseError
          nil
        end
        [d.type, message]
      end
    end

    def to_s
      @status_message.empty? ? code_name : "#{code_name}: #{@status_message}"
    end

    # Ruby >= 3.2 prints this for uncaught errors.
    def detailed_message(highlight: false, **)
      "#{self} (#{self.class.name})"
    end

    def inspect
      "#<#{self.class.name} #{code_name}: #{@status_message.inspect}>"
    end
  end

  # The server ended the connection with a GoAway other than a graceful shutdown.
  #
  # Raised when connecting is refused (VERSION_MISMATCH, PERMISSION_DENIED,
  # TOO_MANY_CONNECTIONS) and for calls still open when the server gives up on
  # a connection (PROTOCOL_ERROR, ...). +message+ is the server's GoAway message.
  class GoAwayError < RpcError
    # @return [Integer] the GoAwayReason number
    attr_reader :reason
    # @return [String] its short name, e.g. "VERSION_MISMATCH"
    attr_reader :reason_name
    # @return [Integer] the highest stream id the server accepted
    attr_reader :last_stream_id

    def initialize(code, message, reason, reason_name, last_stream_id = 0)
      super(code, message)
      @reason = reason
      @reason_name = reason_name
      @last_stream_id = last_stream_id
    end

    def to_s
      "#{code_name} (server GoAway #{reason_name}): #{message}"
    end
  end

  # A stream read with a timeout found no message in time; the call goes on.
  class ReadTimeout < StandardError; end
end
