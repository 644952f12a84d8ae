# frozen_string_literal: true

require_relative "support"

# Servers of their own: graceful shutdown, and a server that refuses this peer.
class TestShutdown < Minitest::Test
  include Support

  def test_sigterm_ends_a_stream_unavailable_with_a_resume_point_then_calls_fail_unavailable
    server = ServerProcess.new.wait_ready
    client = Qbsync::Client.new(server.socket_path, timeout: 10)
    customer = linked_customer(client)
    item = mapped_item(client)
    stream = client.stream_sync_events(company_id: DEMO, include_health: true)
    assert_equal :health, stream.next.kind
    client.sync_invoice(company_id: DEMO, invoice: invoice(customer, item))
    delivered = [stream.next.event.sequence]
    assert_operator delivered[0], :>, 0
    server.terminate
    error = assert_raises(Qbsync::RpcError) { stream.each { |message| delivered << message.event.sequence } }
    assert_equal "UNAVAILABLE", error.code_name
    resume = error.detail(V1::StreamResumePoint)
    refute_nil resume, error.details.inspect
    assert_equal delivered.last, resume.last_delivered_sequence
    assert_equal 0, server.wait(15)
    after = assert_raises(Qbsync::RpcError) { client.get_health(company_id: DEMO) }
    assert_equal "UNAVAILABLE", after.code_name
  ensure
    client&.close
    server&.stop
  end

  def test_a_peer_not_allowed_gets_permission_denied_with_the_servers_message
    server = ServerProcess.new("--allow-uid", "4242").wait_ready
    client = Qbsync::Client.new(server.socket_path)
    error = assert_raises(Qbsync::GoAwayError) { client.get_health }
    assert_equal Qbsync::StatusCode::PERMISSION_DENIED, error.code
    assert_equal "PERMISSION_DENIED", error.reason_name
    assert_includes error.message, "not allowed"
    assert_raises(Qbsync::GoAwayError) { client.connect }
  ensure
    client&.close
    server&.stop
  end
end
