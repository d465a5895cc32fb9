"""Reading a client address: the fast reader agrees with :mod:`ipaddress` on every text."""

from __future__ import annotations

import ipaddress

from hypothesis import example, given
from hypothesis import strategies as st

from counter.visitors import ADDRESS_MAX, address_text, parse_address


def reference(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """What the standard library reads, with IPv4 mapped into IPv6 taken as IPv4."""
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def spellings(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> list[str]:
    forms = [str(address), address.exploded, address.exploded.upper(), f" {address}\t"]
    if address.version == 6:
        forms += [f"::ffff:{ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)}", f"{address}%eth0"]
    return forms


@given(st.ip_addresses())
def test_every_spelling_of_an_address_reads_as_the_standard_library_reads_it(address):
    for text in spellings(address):
        assert parse_address(text) == reference(text), text


@given(st.text(alphabet="0123456789abcdefABCDEFxX:.%/ \x00٣", max_size=ADDRESS_MAX))
@example("01.2.3.4")  # a leading zero: refused (it once meant octal)
@example("1.2.3")
@example("256.1.1.1")
@example("1::2::3")
@example("1:2:3:4:5:6:7:8:9")
@example("::1.2.3.4")
@example("::ffff:10.0.0.1")
@example("fe80::1%eth0")
@example("1.2.3.4\x00")
@example("١.٢.٣.٤")
def test_any_text_reads_as_the_standard_library_reads_it(text):
    assert parse_address(text) == reference(text)


def test_a_mapped_ipv4_address_is_the_ipv4_address():
    assert parse_address("::ffff:203.0.113.9") == ipaddress.IPv4Address("203.0.113.9")
    assert parse_address("2001:DB8::1") == ipaddress.IPv6Address("2001:db8::1")
    assert parse_address("x" * (ADDRESS_MAX + 1)) is None


@given(
    st.ip_addresses(v=6)
    | st.ip_addresses(v=6, network="::/96")
    | st.ip_addresses(v=6, network="::ffff:0:0/96")
    | st.ip_addresses(v=6, network="::1:0:0/96")
    | st.ip_addresses(v=4)
)
@example(ipaddress.IPv6Address("::"))
@example(ipaddress.IPv6Address("::1"))
@example(ipaddress.IPv6Address("::ffff:0:0"))
@example(ipaddress.IPv6Address("1:0:0:2:0:0:0:3"))
@example(ipaddress.IPv6Address("1:0:2:0:3:0:4:0"))
@example(ipaddress.IPv6Address("fe80::1%eth0"))
def test_an_address_is_written_as_the_standard_library_writes_it(address):
    # Digests are made of this text: a different spelling would count a reader twice.
    assert address_text(address) == str(address)
