# frozen_string_literal: true

require "google/protobuf"
require "qbsync/status"
require "qbsync/wire"
require "qbsync/v1/records_pb"

module Qbsync
  # Checks made before anything is sent, with the answers the server would give.
  #
  # Every string on the wire must be UTF-8 without NUL characters. Ruby
  # strings may hold either (protobuf keeps a UTF-8-tagged string's bytes
  # as they are), and libprotobuf-c based peers would cut a string at its first
  # NUL, so such requests are refused here, naming the field as the server does
  # (+invoice.lines[2].description+), with a +FieldViolation+ detail.
  module RequestCheck
    STRING_RULE = "strings must be UTF-8 without NUL characters"
    METADATA_RULE = "metadata must be UTF-8 without NUL characters"
    MAX_METADATA_BYTES = 16 * 1024
    KEY_PATTERN = /\A[a-z0-9._-]{1,64}\z/.freeze

    module_function

    # "contains a NUL character", "is not valid UTF-8", or nil for a clean string.
    def string_problem(value)
      return "contains a NUL character" if value.include?("\0")

      utf8 = value.encoding == Encoding::UTF_8 ? value : value.dup.force_encoding(Encoding::UTF_8)
      return "is not valid UTF-8" unless utf8.valid_encoding?

      nil
    end

    # The first string field with a NUL or invalid UTF-8, as +[path, problem]+, or nil.
    def bad_string(message, prefix = "")
      message.class.descriptor.each do |field|
        value = field.get(message)
        name = "#{prefix}#{field.name}"
        case value
        when Google::Protobuf::Map
          key_field = field.subtype.lookup("key")
          value_field = field.subtype.lookup("value")
          value.each do |key, item|
            path = "#{name}[#{key}]"
            found = check_value(key_field, key, path) || check_value(value_field, item, path)
            return found if found
          end
        when Google::Protobuf::RepeatedField
          value.each_with_index do |item, index|
            found = check_value(field, item, "#{name}[#{index}]")
            return found if found
          end
        else
          found = check_value(field, value, name)
          return found if found
        end
      end
      nil
    end

    def check_value(field, value, path)
      case field.type
      when :string
        problem = string_problem(value)
        problem && [path, problem]
      when :message
        value && bad_string(value, "#{path}.")
      end
    end

    # Raises INVALID_ARGUMENT with a FieldViolation when a string of +request+ is not clean.
    def check_request!(request)
      path, problem = bad_string(request)
      return if path.nil?

      description = "#{problem}; #{STRING_RULE}"
      violation = Qbsync::V1::FieldViolation.new(field: path, description: description)
      raise RpcError.new(StatusCode::INVALID_ARGUMENT, "#{path}: #{description}",
                         [RpcError::Detail.new(Qbsync::V1::FieldViolation.descriptor.name, Qbsync::V1::FieldViolation.encode(violation))])
    end

    # Raises UNIMPLEMENTED, as the server would answer, for a method path it cannot have.
    def check_path!(path)
      problem = string_problem(path)
      raise RpcError.new(StatusCode::UNIMPLEMENTED, "the method path #{problem}; no such method") if problem
      return if path.bytesize <= Wire::MAX_METHOD_PATH_BYTES

      raise RpcError.new(StatusCode::UNIMPLEMENTED,
                         "method path of #{path.bytesize} bytes is longer than any method (limit #{Wire::MAX_METHOD_PATH_BYTES} bytes)")
    end

    # Call metadata as +[[key, value], ...]+ strings, checked as the server checks it.
    #
    # @param metadata [Hash, Array<Array(String, String)>, nil]
    # @raise [RpcError] INVALID_ARGUMENT for a bad key or value, RESOURCE_EXHAUSTED over 16 KiB
    def metadata_entries(metadata)
      return [] if metadata.nil?

      total = 0
      metadata.each_with_index.map do |(key, value), index|
        key = utf8(key.to_s)
        value = utf8(value.to_s)
        if (problem = string_problem(key))
          raise RpcError.new(StatusCode::INVALID_ARGUMENT, "metadata[#{index}].key #{problem}; #{METADATA_RULE}")
        end
        if (problem = string_problem(value))
          raise RpcError.new(StatusCode::INVALID_ARGUMENT, "metadata[#{index}].value #{problem}; #{METADATA_RULE}")
        end
        unless KEY_PATTERN.match?(key)
          problem = if key.empty? then "is empty"
                    elsif key.bytesize > 64 then "is longer than 64 bytes"
                    else "may contain only lower-case letters, digits, '-', '_' and '.'"
                    end
          raise RpcError.new(StatusCode::INVALID_ARGUMENT, "metadata[#{index}].key #{problem}")
        end
        total += key.bytesize + value.bytesize
        if total > MAX_METADATA_BYTES
          raise RpcError.new(StatusCode::RESOURCE_EXHAUSTED,
                             "call metadata of more than #{MAX_METADATA_BYTES} bytes exceeds the limit of #{MAX_METADATA_BYTES} bytes per call")
        end
        [key, value]
      end
    end

    # A UTF-8-tagged copy (bytes unchanged) of a string in another encoding,
    # transcoded when it is not binary.
    def utf8(value)
      return value if value.encoding == Encoding::UTF_8
      return value.dup.force_encoding(Encoding::UTF_8) if value.encoding == Encoding::BINARY || value.ascii_only?

      value.encode(Encoding::UTF_8)
    rescue EncodingError
      value.dup.force_encoding(Encoding::UTF_8)
    end
  end
end
