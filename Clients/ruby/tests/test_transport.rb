# frozen_string_literal: true

require_relative "support"

# The transport against a scripted peer: what the real server rarely does on demand.
class TestTransport < Minitest::Test
  include Support

  HEALTH = "/qbsync.v1.QuickBooksSync/GetHealth"
  EVENTS = "/qbsync.v1.QuickBooksSync/StreamSyncEvents"

  def test_wire_bytes_of_the_handshake_and_a_call
    frames = Thread::Queue.new
    server = FakeServer.new do |connection, _|
      connection.handshake
      open = connection.expect(:open)
      message = connection.expect(:message)
      frames << open << message
      connection.respond(open.stream_id, V1::GetHealthResponse.new(version: "fake"))
    end
    client = Qbsync::Client.new(server.socket_path)
    assert_equal "fake", client.get_health.version
    open = frames.pop
    message = frames.pop
    assert_equal 1, open.stream_id
    assert_equal HEALTH, open.open["method"]
    assert_equal 1, open.open.initial_window
    assert_equal 30_000_000, open.open.timeout_micros
    assert message.message.end_of_stream
    assert_equal "".b, message.message.payload
    assert_equal "\x00\x00\x00\x04\x12\x02\x08\x01".b,
                 Qbsync::Wire.encode(Qbsync::Wire::Frame.new(stream_id: 0, hello: Rpc::Hello.new(protocol_version: 1)))
  ensure
    client&.close
    server&.stop
  end

  def test_local_deadline_sends_cancel_when_the_server_is_silent
    cancelled = Thread::Queue.new
    server = FakeServer.new do |connection, _|
      connection.handshake
      open = connection.expect(:open)
      cancelled << [open.open.timeout_micros, connection.expect(:cancel).stream_id, open.stream_id]
    end
    client = Qbsync::Client.new(server.socket_path)
    started = Qbsync::Call.now
    error = assert_raises(Qbsync::RpcError) { client.get_health({}, timeout: 0.2) }
    elapsed = Qbsync::Call.now - started
    assert_equal "DEADLINE_EXCEEDED", error.code_name
    assert_operator elapsed, :>=, 0.3
    assert_operator elapsed, :<, 1.5
    micros, cancel_id, open_id = cancelled.pop
    assert_equal 200_000, micros
    assert_equal open_id, cancel_id
  ensure
    client&.close
    server&.stop
  end

  def test_broken_connection_fails_in_flight_calls_unavailable_and_the_next_call_reconnects
    server = FakeServer.new do |connection, index|
      connection.handshake
      open = connection.expect(:open)
      connection.respond(open.stream_id, V1::GetHealthResponse.new(version: "second")) if index == 1
      # index 0: closes with the call in flight
    end
    client = Qbsync::Client.new(server.socket_path)
    error = assert_raises(Qbsync::RpcError) { client.get_health }
    assert_equal "UNAVAILABLE", error.code_name
    assert_equal "second", client.get_health.version
    assert_equal 2, server.connections.size
  ensure
    client&.close
    server&.stop
  end

  def test_goaway_shutdown_fails_calls_above_last_stream_id_and_finishes_the_others
    opened = Thread::Queue.new
    server = FakeServer.new do |connection, index|
      connection.handshake
      if index.zero?
        first = connection.expect(:open)
        opened << :first
        connection.expect(:open)
        opened << :second
        connection.send_frame(Rpc::Frame.new(stream_id: 0, goaway: Rpc::GoAway.new(
          last_stream_id: first.stream_id, reason: :GO_AWAY_REASON_SHUTDOWN, code: 14, message: "draining"
        )))
        sleep 0.1
        connection.respond(first.stream_id, V1::GetHealthResponse.new(version: "finished"))
        sleep 0.1
      else
        open = connection.expect(:open)
        connection.respond(open.stream_id, V1::GetHealthResponse.new(version: "new connection"))
      end
    end
    client = Qbsync::Client.new(server.socket_path)
    first = Thread.new { client.get_health }
    opened.pop
    second = Thread.new { client.get_health }
    second.report_on_exception = false
    opened.pop
    error = assert_raises(Qbsync::RpcError) { second.value }
    assert_equal "UNAVAILABLE", error.code_name
    assert_includes error.message, "safe to retry"
    assert_equal "finished", first.value.version
    assert_equal "new connection", client.get_health.version
  ensure
    client&.close
    server&.stop
  end

  def test_goaway_other_than_shutdown_ends_open_calls_with_its_code
    server = FakeServer.new do |connection, _|
      connection.handshake
      connection.expect(:open)
      connection.send_frame(Rpc::Frame.new(stream_id: 0, goaway: Rpc::GoAway.new(
        reason: :GO_AWAY_REASON_PROTOCOL_ERROR, code: 13, message: "you broke it"
      )))
    end
    client = Qbsync::Client.new(server.socket_path)
    error = assert_raises(Qbsync::GoAwayError) { client.get_health }
    assert_equal "INTERNAL", error.code_name
    assert_equal "PROTOCOL_ERROR", error.reason_name
    assert_equal "you broke it", error.message
  ensure
    client&.close
    server&.stop
  end

  def test_stream_grants_half_the_window_as_messages_are_consumed
    updates = Thread::Queue.new
    server = FakeServer.new do |connection, _|
      connection.handshake
      open = connection.expect(:open)
      updates << open.open.initial_window
      4.times do |i|
        message = V1::SyncEventStreamMessage.new(event: V1::SyncEvent.new(sequence: i + 1))
        connection.send_frame(Rpc::Frame.new(stream_id: open.stream_id, message: Rpc::Message.new(payload: message.class.encode(message))))
      end
      2.times { updates << connection.expect(:window_update).window_update.messages }
      connection.respond(open.stream_id, nil)
    end
    client = Qbsync::Client.new(server.socket_path, stream_window: 4)
    stream = client.stream_sync_events
    assert_equal [1, 2, 3, 4], stream.map { |m| m.event.sequence }
    assert_equal :ok, stream.outcome
    assert_equal [4, 2, 2], Array.new(3) { updates.pop }
  ensure
    client&.close
    server&.stop
  end

  def test_stream_error_status_with_details
    server = FakeServer.new do |connection, _|
      connection.handshake
      open = connection.expect(:open)
      point = V1::StreamResumePoint.new(last_delivered_sequence: 41)
      connection.send_frame(Rpc::Frame.new(stream_id: open.stream_id, status: Rpc::Status.new(
        code: 14, message: "shutting down",
        details: [Rpc::StatusDetail.new(type: "qbsync.v1.StreamResumePoint", value: point.class.encode(point)),
                  Rpc::StatusDetail.new(type: "example.Unknown", value: "x")]
      )))
    end
    client = Qbsync::Client.new(server.socket_path)
    error = assert_raises(Qbsync::RpcError) { client.stream_sync_events.each { nil } }
    assert_equal "UNAVAILABLE", error.code_name
    assert_equal 41, error.detail(V1::StreamResumePoint).last_delivered_sequence
    assert_equal [["qbsync.v1.StreamResumePoint", V1::StreamResumePoint.new(last_delivered_sequence: 41)], ["example.Unknown", nil]],
                 error.decoded_details
  ensure
    client&.close
    server&.stop
  end

  def test_server_ping_is_answered_and_client_ping_measures
    pongs = Thread::Queue.new
    server = FakeServer.new do |connection, _|
      connection.handshake
      ping = connection.expect(:ping)
      connection.send_frame(Rpc::Frame.new(stream_id: 0, pong: ping.ping))
      connection.send_frame(Rpc::Frame.new(stream_id: 0, ping: Rpc::Ping.new(opaque: 77)))
      pongs << connection.expect(:pong).pong.opaque
    end
    client = Qbsync::Client.new(server.socket_path)
    assert_operator client.ping, :<, 2
    assert_equal 77, pongs.pop
  ensure
    client&.close
    server&.stop
  end

  def test_unary_with_two_responses_is_internal
    server = FakeServer.new do |connection, _|
      connection.handshake
      open = connection.expect(:open)
      response = V1::GetHealthResponse.new
      connection.send_frame(Rpc::Frame.new(stream_id: open.stream_id, message: Rpc::Message.new(payload: "")))
      connection.respond(open.stream_id, response)
    end
    client = Qbsync::Client.new(server.socket_path)
    assert_equal "INTERNAL", assert_raises(Qbsync::RpcError) { client.get_health }.code_name
  ensure
    client&.close
    server&.stop
  end

  def test_stream_ids_increase_across_threads
    ids = Thread::Queue.new
    server = FakeServer.new do |connection, _|
      connection.handshake
      40.times do
        open = connection.expect(:open)
        ids << open.stream_id
        connection.respond(open.stream_id, V1::GetHealthResponse.new)
      end
    end
    client = Qbsync::Client.new(server.socket_path)
    Array.new(8) { Thread.new { 5.times { client.get_health } } }.each(&:join)
    seen = Array.new(40) { ids.pop }
    assert_equal (1..40).to_a, seen
  ensure
    client&.close
    server&.stop
  end

  def test_closed_client_refuses_calls
    client = Qbsync::Client.new("/nonexistent.sock")
    client.close
    assert_equal "UNAVAILABLE", assert_raises(Qbsync::RpcError) { client.get_health }.code_name
  end
end
