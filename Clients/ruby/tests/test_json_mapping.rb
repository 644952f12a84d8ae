# frozen_string_literal: true

require "json"
require_relative "support"
require_relative "../conformance_runner"

# The proto3 JSON mapping the conformance runner relies on (google-protobuf's
# encode_json / decode_json), and the runner's matching rules.
class TestJsonMapping < Minitest::Test
  include Support

  def test_encode_json_follows_the_proto3_mapping
    event = V1::SyncEvent.new(sequence: 2**40, to_status: :SYNC_STATUS_SYNCED,
                              ref: V1::RecordRef.new(company_id: DEMO, entity: :ENTITY_TYPE_INVOICE, external_id: "i-1"))
    json = JSON.parse(V1::SyncEvent.encode_json(event))
    assert_equal (2**40).to_s, json["sequence"], "int64 as a string"
    assert_equal "SYNC_STATUS_SYNCED", json["toStatus"], "enum by name, lowerCamelCase key"
    assert_equal({ "companyId" => DEMO, "entity" => "ENTITY_TYPE_INVOICE", "externalId" => "i-1" }, json["ref"])
    refute json.key?("attempts"), "defaults are omitted"
    refute json.key?("fromStatus"), "the first enum value is omitted"
    assert_equal({}, JSON.parse(V1::GetHealthResponse.encode_json(V1::GetHealthResponse.new(companies: []))))
  end

  def test_decode_json_reads_the_cases_requests
    request = V1::StreamSyncEventsRequest.decode_json(
      JSON.generate("companyId" => DEMO, "afterSequence" => "42", "statuses" => ["SYNC_STATUS_SYNCED"])
    )
    assert_equal 42, request.after_sequence
    assert_equal [:SYNC_STATUS_SYNCED], request.statuses.to_a
    line = V1::InvoiceLine.decode_json('{"amountMinor": 1000, "kind": "LINE_KIND_SALE"}')
    assert_equal 1000, line.amount_minor
  end

  def test_matching_rules
    assert_nil Conformance.mismatch({ "a" => 5 }, { "a" => "5", "b" => 1 })
    assert_nil Conformance.mismatch({ "a" => nil }, {})
    refute_nil Conformance.mismatch({ "a" => nil }, { "a" => 0 })
    assert_nil Conformance.mismatch({ "a" => { "$gt" => "4" } }, { "a" => "5" })
    refute_nil Conformance.mismatch({ "a" => { "$gt" => 5 } }, { "a" => "5" })
    assert_nil Conformance.mismatch({ "a" => { "$gte" => 5 } }, { "a" => 5 })
    assert_nil Conformance.mismatch({ "a" => { "$len" => 0 } }, {})
    assert_nil Conformance.mismatch({ "a" => { "$present" => true } }, { "a" => "x" })
    refute_nil Conformance.mismatch({ "a" => { "$present" => true } }, {})
    assert_nil Conformance.mismatch({ "a" => { "$contains" => "ell" } }, { "a" => "hello" })
    refute_nil Conformance.mismatch([1, 2], [1])
    refute_nil Conformance.mismatch("abc", "abd")
    assert_equal({ "x" => 7, "y" => "seq 7" }, Conformance.substitute({ "x" => "${n}", "y" => "seq ${n}" }, { "n" => 7 }))
    assert_equal "b", Conformance.dig_path({ "a" => [{ "k" => "b" }] }, "a.0.k")
    assert_raises(Conformance::Failure) { Conformance.dig_path({ "a" => [] }, "a.0") }
  end
end
