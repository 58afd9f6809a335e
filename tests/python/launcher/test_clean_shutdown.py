"""The servers the launcher starts, under the conditions of a busy helpline: the action server waits for a Rasa
server that is slow to send its request, and the Rasa server stops without errors in its log."""

import socket
import time

from safe_harbour.launcher import Layout, isolated_environment

# Longer than Sanic's default keep-alive (5 s), after which the action server used to close a connection that
# a saturated Rasa server had opened but not yet written to (README, "Several servers", load).
SLOW_CLIENT_SECONDS = 6.5


def request_after_a_pause(port: int, pause: float) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        time.sleep(pause)
        try:
            connection.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            return connection.recv(200)
        except OSError as error:  # the server closed it: reset or broken pipe
            return repr(error).encode()


def test_a_slow_request_is_answered_and_the_servers_stop_cleanly(tmp_path):
    layout = Layout(tmp_path, isolated_environment(tmp_path)).start(timeout=300)
    try:
        answer = request_after_a_pause(layout.action_port, SLOW_CLIENT_SECONDS)
    finally:
        layout.stop()
    assert answer.startswith(b"HTTP/1.1 200"), answer
    rasa_log = (tmp_path / "rasa.log").read_text(errors="replace")
    assert "Rasa server is up and running" in rasa_log
    for problem in ("Task was destroyed but it is pending", "Traceback", " ERROR "):
        assert problem not in rasa_log, rasa_log[-3000:]
