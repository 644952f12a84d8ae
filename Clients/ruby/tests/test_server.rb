# frozen_string_literal: true

require_relative "support"

# Calls against the real server (one shared `qbsync serve`).
class TestServer < Minitest::Test
  include Support

  def setup
    @client = Qbsync::Client.new(Support.shared_server.socket_path, timeout: 10)
  end

  def teardown
    @client.close
  end

  def test_unary_ok
    health = @client.get_health(company_id: DEMO)
    assert_instance_of V1::GetHealthResponse, health
    assert_equal [DEMO], health.companies.map(&:company_id)
    assert_equal :CONNECTION_STATE_ACTIVE, health.companies[0].connection_state
    assert_equal 1, @client.connect.protocol_version
    assert_operator @client.ping, :<, 5
  end

  def test_request_as_message_hash_or_nil
    assert_equal 1, @client.get_health(V1::GetHealthRequest.new(company_id: DEMO)).companies.size
    assert_equal 1, @client.get_health({ company_id: DEMO }).companies.size
    assert_operator @client.get_health.companies.size, :>=, 1
    assert_raises(TypeError) { @client.get_health(V1::GetRecordRequest.new) }
    assert_raises(ArgumentError) { @client.get_health({ company_id: DEMO }, company_id: DEMO) }
  end

  def test_invalid_argument_with_field_violation
    error = assert_raises(Qbsync::RpcError) do
      @client.sync_invoice(company_id: DEMO, invoice: { customer_external_id: "c-1", currency: "USD", txn_date: "2026-11-02" })
    end
    assert_equal Qbsync::StatusCode::INVALID_ARGUMENT, error.code
    assert_equal "INVALID_ARGUMENT", error.code_name
    assert_includes error.message, "invoice.external_id"
    violation = error.detail(V1::FieldViolation)
    refute_nil violation, error.details.inspect
    assert_equal "invoice.external_id", violation.field
    assert_equal [violation], error.details_of(V1::FieldViolation)
    assert_nil error.detail(V1::ErrorDetail)
    assert_equal "qbsync.v1.FieldViolation", error.decoded_details.first[0]
    # The connection keeps serving.
    assert_equal 1, @client.get_health(company_id: DEMO).companies.size
  end

  def test_not_found_and_unimplemented
    error = assert_raises(Qbsync::RpcError) do
      @client.get_record(ref: { company_id: DEMO, entity: :ENTITY_TYPE_INVOICE, external_id: "never-sent" })
    end
    assert_equal "NOT_FOUND", error.code_name
    assert_includes error.message, "never-sent"
    error = assert_raises(Qbsync::RpcError) { @client.call_unary("/qbsync.v1.QuickBooksSync/NoSuchMethod", "", nil) }
    assert_equal Qbsync::StatusCode::UNIMPLEMENTED, error.code
  end

  def test_nul_refused_before_sending
    # No server at this path: a refusal before sending cannot be UNAVAILABLE.
    offline = Qbsync::Client.new("/nonexistent/qbsync.sock")
    error = assert_raises(Qbsync::RpcError) do
      offline.sync_invoice(company_id: DEMO, invoice: { external_id: "INV\0dup", lines: [{ description: "ok" }] })
    end
    assert_equal "INVALID_ARGUMENT", error.code_name
    assert_equal "invoice.external_id", error.detail(V1::FieldViolation).field
    error = assert_raises(Qbsync::RpcError) do
      offline.sync_invoice(company_id: DEMO, invoice: { external_id: "x", lines: [{ description: "ok" }, { description: "bad\0" }] })
    end
    assert_equal "invoice.lines[1].description", error.detail(V1::FieldViolation).field
    error = assert_raises(Qbsync::RpcError) { offline.get_health(company_id: "caf\xC3".dup.force_encoding("UTF-8")) }
    assert_includes error.message, "company_id: is not valid UTF-8"
    error = assert_raises(Qbsync::RpcError) { offline.get_health(company_id: DEMO, metadata: { "k" => "v\0" }) }
    assert_equal "INVALID_ARGUMENT", error.code_name
    assert_includes error.message, "metadata[0].value"
    error = assert_raises(Qbsync::RpcError) { offline.get_health(company_id: DEMO, metadata: { "Bad Key" => "v" }) }
    assert_equal "INVALID_ARGUMENT", error.code_name
    error = assert_raises(Qbsync::RpcError) { offline.get_health(company_id: DEMO, metadata: { "k" => "v" * 20_000 }) }
    assert_equal "RESOURCE_EXHAUSTED", error.code_name
    # A clean request does try to connect.
    assert_equal "UNAVAILABLE", assert_raises(Qbsync::RpcError) { offline.get_health(company_id: DEMO) }.code_name
    # Nothing was stored by the refused call.
    error = assert_raises(Qbsync::RpcError) do
      @client.get_record(ref: { company_id: DEMO, entity: :ENTITY_TYPE_INVOICE, external_id: "INV" })
    end
    assert_equal "NOT_FOUND", error.code_name
  end

  def test_metadata_accepted
    response = @client.get_health({ company_id: DEMO }, metadata: { "request-id" => "r-1", "x.trace_id" => "abc" })
    assert_equal 1, response.companies.size
  end

  def test_stream_sees_synced_events_after_link_customer_and_sync_invoice
    stream = @client.stream_sync_events(company_id: DEMO, statuses: [:SYNC_STATUS_SYNCED], include_health: true)
    assert_equal :health, stream.next.kind
    customer = linked_customer(@client)
    item = mapped_item(@client)
    inv = invoice(customer, item)
    accepted = @client.sync_invoice(company_id: DEMO, invoice: inv)
    assert_equal inv.external_id, accepted.record.ref.external_id
    event = stream.find do |message|
      message.event&.ref&.entity == :ENTITY_TYPE_INVOICE && message.event.ref.external_id == inv.external_id
    end
    refute_nil event
    assert_equal :SYNC_STATUS_SYNCED, event.event.to_status
    assert_operator event.event.sequence, :>, 0
    # find stopped early, which closed (cancelled) the stream.
    assert stream.closed?
    assert_nil stream.read
    # Resume after that sequence: the replay starts after it.
    resumed = @client.stream_sync_events(company_id: DEMO, after_sequence: event.event.sequence - 1,
                                         entities: [:ENTITY_TYPE_INVOICE], statuses: [:SYNC_STATUS_SYNCED])
    assert_equal event.event.sequence, resumed.read(timeout: 10).event.sequence
    resumed.close
    record = @client.get_record(ref: { company_id: DEMO, entity: :ENTITY_TYPE_INVOICE, external_id: inv.external_id })
    assert_equal :SYNC_STATUS_SYNCED, record.record.status
  end

  def test_cancel_stream_keeps_connection
    stream = @client.stream_sync_events(company_id: DEMO, entities: [:ENTITY_TYPE_BILL])
    assert_raises(Qbsync::ReadTimeout) { stream.read(timeout: 0.2) }
    stream.close
    assert stream.closed?
    assert_equal "CANCELLED", stream.outcome.code_name
    assert_nil stream.read
    assert_raises(StopIteration) { stream.next }
    assert_equal 1, @client.get_health(company_id: DEMO).companies.size
    # Leaving each with break cancels too.
    other = @client.stream_sync_events(company_id: DEMO, include_health: true)
    other.each { break }
    assert other.closed?
    assert_equal 1, @client.get_health(company_id: DEMO).companies.size
  end

  def test_deadlines
    stream = @client.stream_sync_events({ company_id: DEMO, entities: [:ENTITY_TYPE_BILL] }, timeout: 0.3)
    started = Qbsync::Call.now
    error = assert_raises(Qbsync::RpcError) { stream.each { flunk "no message expected" } }
    assert_equal "DEADLINE_EXCEEDED", error.code_name
    assert_in_delta 0.3, Qbsync::Call.now - started, 0.25
    error = assert_raises(Qbsync::RpcError) { @client.get_health({ company_id: DEMO }, timeout: 0) }
    assert_equal "DEADLINE_EXCEEDED", error.code_name
    assert_equal 1, @client.get_health({ company_id: DEMO }, timeout: 5).companies.size
    assert_equal 1, @client.get_health({ company_id: DEMO }, timeout: Float::INFINITY).companies.size
  end

  def test_concurrent_calls_share_one_connection
    errors = Queue.new
    threads = Array.new(16) do
      Thread.new do
        10.times { @client.get_health(company_id: DEMO) }
      rescue StandardError => e
        errors << e
      end
    end
    threads.each(&:join)
    assert errors.empty?, -> { errors.pop.inspect }
    hello = @client.connect
    assert_operator hello.max_concurrent_streams, :>, 0
  end

  def test_version_mismatch_reports_the_servers_message
    client = Qbsync::Client.new(Support.shared_server.socket_path, protocol_version: 2)
    error = assert_raises(Qbsync::GoAwayError) { client.get_health(company_id: DEMO) }
    assert_equal Qbsync::StatusCode::FAILED_PRECONDITION, error.code
    assert_equal "VERSION_MISMATCH", error.reason_name
    assert_includes error.message, "the client offered 2"
  ensure
    client&.close
  end
end
