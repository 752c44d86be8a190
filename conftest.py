"""Test-session settings shared by tests/ and compat_tests/.

OpenMP's default spin-waiting makes tiny torch steps many times slower on a busy 2-core machine; the
setting only takes effect if made before torch loads, which is why it lives here.
"""
import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("TORKERAS_DEVICE", "cpu")

import http.server  # noqa: E402
import threading  # noqa: E402

import pytest  # noqa: E402


@pytest.fixture(scope="module")
def local_http_server(request):
    """Base URL of an HTTP server on 127.0.0.1 serving the test module's ``HTTP_HANDLER`` class
    from a thread (downloads are tested without the internet); shut down after the module."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), request.module.HTTP_HANDLER)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield "http://127.0.0.1:%d" % httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()
    thread.join()
