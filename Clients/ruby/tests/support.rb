# frozen_string_literal: true

# Test support: the real server as a process, and a scripted fake peer.

require "minitest/autorun"
require "fileutils"
require "securerandom"
require "socket"
require "tmpdir"
require_relative "../lib/qbsync/client"

module Support
  ROOT = File.expand_path("../../..", __dir__)
  DEMO = "demo"
  V1 = Qbsync::V1
  Rpc = Qbsync::Rpc::V1

  module_function

  def unique(prefix)
    "#{prefix}-#{SecureRandom.hex(5)}"
  end

  def server_binary
    ENV.fetch("QBSYNC_BIN") { File.join(ROOT, ".build", "debug", "qbsync") }
  end

  # +qbsync serve+ on a temporary socket and database.
  class ServerProcess
    attr_reader :socket_path, :pid

    def initialize(*extra_args)
      binary = Support.server_binary
      unless File.executable?(binary)
        raise "no qbsync binary at #{binary}: build it (swift build --product qbsync) or point QBSYNC_BIN at one"
      end

      @directory = Dir.mktmpdir("qbsync-rb-")
      @socket_path = File.join(@directory, "s.sock")
      @log = File.join(@directory, "serve.log")
      @pid = Process.spawn(binary, "serve", "--socket", @socket_path, "--database", File.join(@directory, "db.sqlite3"),
                           "--log-level", "error", *extra_args, in: File::NULL, out: File::NULL, err: @log)
      @status = nil
    end

    def log
      File.exist?(@log) ? File.read(@log) : ""
    end

    # Waits until the socket exists and the banner says it is listening.
    def wait_ready(timeout = 60)
      deadline = Qbsync::Call.now + timeout
      until File.exist?(@socket_path) && log.include?("socket:")
        raise "qbsync serve exited with #{@status.exitstatus}:\n#{log}" if exited?
        raise "qbsync serve did not start within #{timeout} s:\n#{log}" if Qbsync::Call.now > deadline

        sleep 0.02
      end
      self
    end

    def exited?
      return true if @status

      _, @status = Process.waitpid2(@pid, Process::WNOHANG)
      !@status.nil?
    end

    # Waits for the process to exit; its exit status, or nil after +timeout+.
    def wait(timeout)
      deadline = Qbsync::Call.now + timeout
      until exited?
        return nil if Qbsync::Call.now > deadline

        sleep 0.02
      end
      @status.exitstatus
    end

    def terminate
      Process.kill("TERM", @pid) unless exited?
    rescue Errno::ESRCH
      nil
    end

    def stop(grace = 15)
      terminate
      if wait(grace).nil?
        Process.kill("KILL", @pid)
        wait(5)
      end
      FileUtils.rm_rf(@directory)
    end
  end

  @shared = nil

  # One server for the whole run (started on first use, stopped at exit).
  def shared_server
    @shared ||= begin
      server = ServerProcess.new.wait_ready
      Minitest.after_run { server.stop }
      server
    end
  end

  # MARK: A scripted server

  # The server side of one accepted connection of a {FakeServer}.
  class FakeConnection
    attr_reader :received

    def initialize(sock)
      @sock = sock
      @reader = Qbsync::Wire::FrameReader.new(sock, 2**32 - 1)
      @received = []
    end

    # The next frame (nil at EOF), waiting at most +timeout+ seconds.
    def read(timeout = 10)
      frame = @reader.read(Qbsync::Call.now + timeout)
      @received << frame if frame
      frame
    end

    # Reads until a frame of +kind+, skipping others; fails on EOF.
    def expect(kind, timeout = 10)
      loop do
        frame = read(timeout)
        raise "connection closed while waiting for a #{kind} frame" if frame.nil?
        return frame if frame.kind == kind
      end
    end

    def handshake(**hello)
      client_hello = expect(:hello).hello
      send_frame(Rpc::Frame.new(stream_id: 0, hello: Rpc::Hello.new(protocol_version: 1, agent: "fake", **hello)))
      client_hello
    end

    def send_frame(frame)
      @sock.write(Qbsync::Wire.encode(frame, 2**32 - 1))
    end

    def respond(stream_id, response, code = 0, message = "")
      if response
        send_frame(Rpc::Frame.new(stream_id: stream_id, message: Rpc::Message.new(payload: response.class.encode(response))))
      end
      send_frame(Rpc::Frame.new(stream_id: stream_id, status: Rpc::Status.new(code: code, message: message)))
    end

    def close
      @sock.shutdown(Socket::SHUT_RDWR)
    rescue SystemCallError, IOError
      nil
    ensure
      @sock.close unless @sock.closed?
    end
  end

  # Accepts connections and runs the script block (connection, index) for each
  # on a thread; what the script raises surfaces in {#stop}.
  class FakeServer
    attr_reader :socket_path, :connections

    def initialize(&script)
      @directory = Dir.mktmpdir("qbsync-fake-")
      @socket_path = File.join(@directory, "fake.sock")
      @script = script
      @listener = UNIXServer.new(@socket_path)
      @errors = Thread::Queue.new
      @threads = []
      @connections = []
      @acceptor = Thread.new { accept_loop }
    end

    def stop
      @threads.each { |t| t.join(10) }
      @listener.close
      @acceptor.join(5)
      FileUtils.rm_rf(@directory)
      raise @errors.pop unless @errors.empty?
    end

    private

    def accept_loop
      loop do
        sock = @listener.accept
        connection = FakeConnection.new(sock)
        index = @connections.size
        @connections << connection
        @threads << Thread.new do
          @script.call(connection, index)
        rescue Exception => e # rubocop:disable Lint/RescueException
          @errors << e
        ensure
          connection.close
        end
      end
    rescue IOError, SystemCallError
      nil
    end
  end

  # MARK: Domain helpers

  # Creates a QBO customer for a fresh rental customer; returns its external id.
  def linked_customer(client)
    external_id = unique("cust")
    response = client.link_customer(
      company_id: DEMO, mode: :LINK_MODE_CREATE,
      customer: { external_id: external_id, given_name: "Test", family_name: external_id, email: "#{external_id}@example.com" }
    )
    raise "customer not created: #{response.inspect}" unless response.outcome == :LINK_OUTCOME_CREATED

    external_id
  end

  # AutoMaps a fresh item code to the QBO item "Equipment Rental"; returns the code.
  def mapped_item(client)
    code = unique("ITEM")
    response = client.auto_map(company_id: DEMO, kind: :MAPPING_KIND_ITEM,
                               entries: [{ external_code: code, name: "Equipment Rental" }])
    raise "item not mapped: #{response.inspect}" unless response.mapped.map(&:external_code) == [code]

    code
  end

  # A one-line invoice of 2 x 125.00.
  def invoice(customer, item, **fields)
    external_id = fields.delete(:external_id) || unique("inv")
    V1::Invoice.new(
      external_id: external_id, customer_external_id: customer, doc_number: external_id[-21..] || external_id,
      txn_date: "2026-11-20", currency: "USD",
      lines: [V1::InvoiceLine.new(kind: :LINE_KIND_SALE, item_code: item, description: "Generator rental",
                                  quantity: "2", unit_rate: "125.00", amount_minor: 25_000)],
      **fields
    )
  end
end
