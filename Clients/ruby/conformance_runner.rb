#!/usr/bin/env ruby
# frozen_string_literal: true

# The Ruby client's conformance runner (Clients/conformance/README.md):
#
#   QBSYNC_SOCKET=/path/to/s.sock ruby Clients/ruby/conformance_runner.rb CASE.json
#
# Runs one case with one Qbsync::Client, using only the library's public API;
# exits 0 when it passed, else prints the failing step on stderr and exits 1.

require "json"
require_relative "lib/qbsync/client"

module Conformance
  # A step did not go as the case expects.
  class Failure < StandardError; end

  ABSENT = Object.new.freeze
  INTEGER = /\A-?\d+\z/.freeze
  SERVICE = Qbsync::Client::RPCS.each_value.first.path.split("/")[1]

  module_function

  # MARK: Matching (README "Matching")

  def integer_like(value)
    return value if value.is_a?(Integer)
    return Integer(value, 10) if value.is_a?(String) && INTEGER.match?(value)

    nil
  end

  def operator?(expected)
    expected.is_a?(Hash) && !expected.empty? && expected.keys.all? { |k| k.start_with?("$") }
  end

  def show(value)
    value.equal?(ABSENT) ? "(absent)" : JSON.generate(value, quirks_mode: true)
  end

  # nil when +expected+ matches +actual+, else a description of the first difference.
  def mismatch(expected, actual, path = "$")
    if operator?(expected)
      expected.each do |op, operand|
        problem = operator_mismatch(op, operand, actual, path)
        return problem if problem
      end
      return nil
    end
    if expected.nil?
      return nil if actual.equal?(ABSENT) || actual.nil?

      return "#{path}: expected absent (the default), got #{show(actual)}"
    end
    return "#{path}: expected #{show(expected)}, but it is absent" if actual.equal?(ABSENT)

    case expected
    when Hash
      return "#{path}: expected an object, got #{show(actual)}" unless actual.is_a?(Hash)

      expected.each do |key, value|
        problem = mismatch(value, actual.key?(key) ? actual[key] : ABSENT, "#{path}.#{key}")
        return problem if problem
      end
      nil
    when Array
      return "#{path}: expected an array, got #{show(actual)}" unless actual.is_a?(Array)
      return "#{path}: expected #{expected.size} elements, got #{actual.size}: #{show(actual)}" if expected.size != actual.size

      expected.each_with_index do |value, index|
        problem = mismatch(value, actual[index], "#{path}[#{index}]")
        return problem if problem
      end
      nil
    else
      a = integer_like(expected)
      b = integer_like(actual)
      return nil if a && b && a == b
      return nil if expected.is_a?(Numeric) && actual.is_a?(Numeric) && expected == actual
      return nil if expected == actual && !(a.nil? ^ b.nil?)

      "#{path}: expected #{show(expected)}, got #{show(actual)}"
    end
  end

  def operator_mismatch(op, operand, actual, path)
    case op
    when "$present"
      present = !actual.equal?(ABSENT) && !actual.nil?
      present == (operand ? true : false) ? nil : "#{path}: expected #{operand ? "present" : "absent"}, got #{show(actual)}"
    when "$contains"
      actual.is_a?(String) && actual.include?(operand.to_s) ? nil : "#{path}: expected a string containing #{operand.to_s.inspect}, got #{show(actual)}"
    when "$gt", "$gte"
      value = integer_like(actual.equal?(ABSENT) ? 0 : actual)
      bound = integer_like(operand)
      raise Failure, "#{path}: #{op} needs an integer, not #{show(operand)}" if bound.nil?
      ok = value && (op == "$gt" ? value > bound : value >= bound)
      ok ? nil : "#{path}: expected #{op == "$gt" ? ">" : ">="} #{bound}, got #{show(actual)}"
    when "$len"
      list = actual.equal?(ABSENT) ? [] : actual # the JSON mapping omits empty lists
      list.is_a?(Array) && list.size == operand ? nil : "#{path}: expected #{operand} elements, got #{show(actual)}"
    else
      raise Failure, "#{path}: unknown operator #{op}"
    end
  end

  # MARK: Variables

  def substitute(value, vars)
    case value
    when Hash then value.transform_values { |v| substitute(v, vars) }
    when Array then value.map { |v| substitute(v, vars) }
    when String
      if (whole = /\A\$\{([^}]+)\}\z/.match(value))
        raise Failure, "variable ${#{whole[1]}} was never captured" unless vars.key?(whole[1])

        return vars[whole[1]]
      end
      value.gsub(/\$\{([^}]+)\}/) do
        name = Regexp.last_match(1)
        raise Failure, "variable ${#{name}} was never captured" unless vars.key?(name)

        vars[name].is_a?(String) ? vars[name] : JSON.generate(vars[name], quirks_mode: true)
      end
    else value
    end
  end

  def dig_path(json, path)
    path.split(".").reduce(json) do |node, part|
      if node.is_a?(Array) && INTEGER.match?(part) && part.to_i < node.size
        node[part.to_i]
      elsif node.is_a?(Hash) && node.key?(part)
        node[part]
      else
        raise Failure, "capture: no #{path.inspect} in #{show(json)}"
      end
    end
  end

  def capture(step, json, vars)
    (step["capture"] || {}).each { |name, path| vars[name] = dig_path(json, path) }
  end

  # MARK: Running

  class Runner
    def initialize(socket_path, spec)
      @spec = spec
      @client = Qbsync::Client.new(socket_path, timeout: 30.0)
      @vars = {}
      @streams = {}
    end

    def run
      @spec.fetch("steps").each_with_index do |step, index|
        begin
          run_step(step)
        rescue Failure => e
          warn "#{@spec["name"]}: step #{index} #{JSON.generate(step)}\n  #{e.message}"
          return false
        end
      end
      true
    ensure
      @streams.each_value(&:close)
      @client.close
    end

    private

    def run_step(step)
      if step.key?("open") then open_stream(step)
      elsif step.key?("read") then read_stream(step)
      elsif step.key?("end") then end_stream(step)
      elsif step.key?("cancel") then stream(step["cancel"]).close
      elsif step.key?("call") then unary(step)
      elsif step.key?("sleep_ms") then sleep(step["sleep_ms"] / 1000.0)
      elsif step.key?("driver") then driver(step["driver"])
      else raise Failure, "unknown step"
      end
    end

    def stream(name)
      @streams.fetch(name) { raise Failure, "no stream named #{name.inspect} is open" }
    end

    def rpc_and_request(step)
      rpc = Qbsync::Client.rpc(step.fetch("call"))
      request = Conformance.substitute(step["request"] || {}, @vars)
      return [nil, "".b] if rpc.nil? # a method this client does not know: called by path, empty payload

      begin
        [rpc, rpc.request_class.decode_json(JSON.generate(request))]
      rescue Google::Protobuf::ParseError, ArgumentError, TypeError => e
        raise Failure, "the case's request is not a #{rpc.request_class.descriptor.name}: #{e.message}"
      end
    end

    def timeout_of(step, default)
      step.key?("timeout_ms") ? step["timeout_ms"] / 1000.0 : default
    end

    def unary(step)
      rpc, request = rpc_and_request(step)
      options = { timeout: timeout_of(step, 30.0), metadata: step["metadata"] }
      response = nil
      error = nil
      begin
        response = if rpc
                     @client.public_send(rpc.ruby_name, request, **options)
                   else
                     @client.call_unary("/#{SERVICE}/#{step["call"]}", request, nil, **options)
                   end
      rescue Qbsync::RpcError => e
        error = e
      end
      json = rpc && response ? JSON.parse(rpc.response_class.encode_json(response)) : {}
      check_outcome(Conformance.substitute(step["expect"] || {}, @vars), error, json)
      capture_from(step, json)
    end

    def capture_from(step, json)
      Conformance.capture(step, json, @vars)
    end

    def check_outcome(expect, error, json)
      want = expect.fetch("code", "OK")
      got = error ? error.code_name : "OK"
      raise Failure, "expected code #{want}, got #{got}#{error ? ": #{error.message}" : ""}" unless want == got

      if expect.key?("response")
        problem = Conformance.mismatch(expect["response"], json)
        raise Failure, "response: #{problem}\n  actual: #{JSON.generate(json)}" if problem
      end
      if expect.key?("message_contains")
        message = error ? error.message : ""
        raise Failure, "status message #{message.inspect} does not contain #{expect["message_contains"].inspect}" unless message.include?(expect["message_contains"])
      end
      (expect["details"] || []).each do |wanted|
        decoded = error ? error.decoded_details.select { |type, _| type == wanted["type"] } : []
        values = decoded.map { |_, message| message && JSON.parse(message.class.encode_json(message)) }
        next if values.any? { |value| value && Conformance.mismatch(wanted["value"] || {}, value).nil? }

        raise Failure, "no #{wanted["type"]} detail matching #{JSON.generate(wanted["value"] || {})}; details: " \
                       "#{JSON.generate((error ? error.decoded_details : []).map { |t, m| [t, m && JSON.parse(m.class.encode_json(m))] })}"
      end
    end

    def open_stream(step)
      rpc, request = rpc_and_request(step)
      options = { timeout: timeout_of(step, nil), metadata: step["metadata"] }
      @streams[step["open"]] = if rpc
                                 @client.public_send(rpc.ruby_name, request, **options)
                               else
                                 @client.call_server_streaming("/#{SERVICE}/#{step["call"]}", request, nil, **options)
                               end
    rescue Qbsync::RpcError => e
      raise Failure, "opening the stream failed: #{e}"
    end

    # "until": skip messages until one matches; "next": the next message must match.
    def read_stream(step)
      s = stream(step["read"])
      strict = step.key?("next")
      wanted = Conformance.substitute(strict ? step["next"] : (step["until"] || {}), @vars)
      within = (step["within_ms"] || 10_000) / 1000.0
      deadline = Qbsync::Call.now + within
      seen = 0
      loop do
        left = deadline - Qbsync::Call.now
        raise Failure, "no matching message within #{within} s (#{seen} others read)" if left <= 0

        message = begin
          s.read(timeout: left)
        rescue Qbsync::ReadTimeout
          raise Failure, "no matching message within #{within} s (#{seen} others read)"
        rescue Qbsync::RpcError => e
          raise Failure, "the stream ended #{e.code_name} (#{e.message}) before a matching message"
        end
        raise Failure, "the stream ended OK before a matching message" if message.nil?

        json = JSON.parse(message.class.encode_json(message))
        problem = Conformance.mismatch(wanted, json)
        if problem.nil?
          Conformance.capture(step, json, @vars)
          return
        end
        raise Failure, "the next message does not match: #{problem}\n  actual: #{JSON.generate(json)}" if strict

        seen += 1
      end
    end

    def end_stream(step)
      s = stream(step["end"])
      within = (step["within_ms"] || 10_000) / 1000.0
      deadline = Qbsync::Call.now + within
      error = nil
      loop do
        left = deadline - Qbsync::Call.now
        raise Failure, "the stream is still open after #{within} s" if left <= 0

        begin
          break if s.read(timeout: left).nil?
        rescue Qbsync::ReadTimeout
          raise Failure, "the stream is still open after #{within} s"
        rescue Qbsync::RpcError => e
          error = e
          break
        end
      end
      check_outcome(Conformance.substitute(step["expect"] || {}, @vars), error, {})
    end

    def driver(action)
      $stdout.puts "driver: #{action}"
      $stdout.flush
      answer = $stdin.gets
      raise Failure, "the driver answered #{answer.inspect} to #{action}" unless answer&.strip == "ok"
    end
  end
end

if $PROGRAM_NAME == __FILE__
  if ARGV.size != 1
    warn "usage: QBSYNC_SOCKET=PATH #{$PROGRAM_NAME} CASE.json"
    exit 2
  end
  socket_path = ENV["QBSYNC_SOCKET"]
  if socket_path.nil? || socket_path.empty?
    warn "conformance_runner: QBSYNC_SOCKET is not set"
    exit 2
  end
  spec = JSON.parse(File.read(ARGV[0]))
  exit(Conformance::Runner.new(socket_path, spec).run ? 0 : 1)
end
