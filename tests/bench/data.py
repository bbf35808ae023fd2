"""The world the benchmark databases and CSV files are drawn from: zones, phones, names, mixes.

Every table here is plain data; ``generate`` turns it into rows with a seeded RNG.
"""

from __future__ import annotations

from models.catalog import INDUSTRIES, SOURCES

# (IANA zone, E.164 prefix, random digits to append). 55 zones on six continents, including the
# half- and quarter-hour offsets, both hemispheres' DST and zones with no DST at all.
PLACES = [
    ("America/New_York", "+1212555", 4),
    ("America/New_York", "+1617555", 4),
    ("America/Chicago", "+1312555", 4),
    ("America/Denver", "+1303555", 4),
    ("America/Phoenix", "+1602555", 4),
    ("America/Los_Angeles", "+1213555", 4),
    ("America/Los_Angeles", "+1415555", 4),
    ("America/Anchorage", "+1907555", 4),
    ("Pacific/Honolulu", "+1808555", 4),
    ("America/Toronto", "+1416555", 4),
    ("America/Vancouver", "+1604555", 4),
    ("America/Halifax", "+1902555", 4),
    ("America/St_Johns", "+1709555", 4),
    ("America/Mexico_City", "+525512", 6),
    ("America/Bogota", "+5760123", 5),
    ("America/Lima", "+51112", 5),
    ("America/Santiago", "+566001", 5),
    ("America/Argentina/Buenos_Aires", "+5411234", 5),
    ("America/Sao_Paulo", "+5511234", 5),
    ("Europe/London", "+4412123", 5),
    ("Europe/London", "+4420794", 5),
    ("Europe/Dublin", "+353182", 5),
    ("Europe/Lisbon", "+3512123", 5),
    ("Europe/Madrid", "+3481012", 5),
    ("Europe/Paris", "+3312345", 4),
    ("Europe/Berlin", "+49301234", 4),
    ("Europe/Amsterdam", "+3110123", 4),
    ("Europe/Brussels", "+321234", 4),
    ("Europe/Zurich", "+4121234", 5),
    ("Europe/Rome", "+3902123", 5),
    ("Europe/Vienna", "+43123456", 4),
    ("Europe/Stockholm", "+46812", 4),
    ("Europe/Oslo", "+472123", 4),
    ("Europe/Copenhagen", "+453212", 4),
    ("Europe/Helsinki", "+3581312", 5),
    ("Europe/Warsaw", "+481234", 5),
    ("Europe/Prague", "+4202123", 5),
    ("Europe/Athens", "+302123", 6),
    ("Europe/Istanbul", "+902123", 6),
    ("Africa/Cairo", "+202345", 5),
    ("Africa/Lagos", "+2342033", 6),
    ("Africa/Nairobi", "+2542020", 5),
    ("Africa/Johannesburg", "+271012", 5),
    ("Asia/Dubai", "+97122", 6),
    ("Asia/Karachi", "+922123", 6),
    ("Asia/Kolkata", "+9174104", 6),
    ("Asia/Kathmandu", "+97714", 6),
    ("Asia/Bangkok", "+66212", 5),
    ("Asia/Singapore", "+6561", 6),
    ("Asia/Hong_Kong", "+8522", 7),
    ("Asia/Shanghai", "+86213", 7),
    ("Asia/Seoul", "+82221", 5),
    ("Asia/Tokyo", "+81312", 6),
    ("Australia/Perth", "+618922", 5),
    ("Australia/Adelaide", "+618822", 5),
    ("Australia/Brisbane", "+617322", 5),
    ("Australia/Sydney", "+612922", 5),
    ("Pacific/Auckland", "+64323", 5),
]
# New York-heavy, as a North American team's base would be; every zone still gets thousands.
PLACE_WEIGHTS = [6 if zone.startswith("America/") else 2 for zone, _, _ in PLACES]


def _words(text: str) -> list[str]:
    return text.split()


FIRST = _words(
    "Ana Ben Chloé Dev Elif Farid Grace Hiro Ines Jonas Kemi Liam Maya Nikhil Olga Pedro Quinn "
    "Rosa Sven Tara Uma Viktor Wen Yusuf Zoe Amara Bruno Carmen Dmitri Esther Felipe Gita Hana "
    "Ivan Jia Kofi Lena Mateo Noor Oscar Priya Rafael Sofia Tomás Valentina William Ximena Yara"
)
LAST = _words(
    "Alvarez Becker Chen Dubois Eriksen Fischer García Haddad Ito Johansson Kowalski Lopez Mbeki "
    "Nakamura O'Brien Patel Rossi Silva Tanaka Ueda Varga Wright Young Zimmermann Novak Adeyemi "
    "Kim Nguyen Okafor Schmidt Moreau Jensen Costa Müller Sato Singh Horvat Lindqvist Kaya"
)
COMPANY_WORDS = {
    "office": ["Consulting", "Legal LLP", "Accounting", "Design Studio", "Advisory"],
    "restaurant": ["Bistro", "Trattoria", "Grill House", "Noodle Bar", "Brasserie"],
    "stock_broker": ["Capital Partners", "Securities", "Brokerage", "Wealth Desk"],
    "retail": ["Outfitters", "Home Store", "Market", "Boutique"],
    "healthcare": ["Dental Care", "Physio Clinic", "Family Practice"],
    "manufacturing": ["Tooling", "Plastics", "Machining"],
    "construction": ["Builders", "Roofing", "Renovations"],
    "real_estate": ["Realty", "Property Group", "Lettings"],
    "education": ["Academy", "Learning Centre", "Tutors"],
    "hospitality": ["Hotel", "Guest House", "Resort"],
    "software": ["Labs", "Systems", "Cloud"],
    "logistics": ["Freight", "Couriers", "Logistics"],
}
assert set(COMPANY_WORDS) == set(INDUSTRIES), "every industry (so every window preset) is drawn"
INDUSTRY_KEYS = list(INDUSTRIES)
SOURCE_KEYS = list(SOURCES)
TITLES = [
    "Owner",
    "Office Manager",
    "Head of Operations",
    "Purchasing Manager",
    "Managing Partner",
    "General Manager",
    "CFO",
    "IT Lead",
    "Practice Manager",
    "Head Chef",
]
DOMAINS = ["example.com", "example.org", "example.net", "mail.example", "corp.example"]

# Where the lead base stands: mostly leads being worked, some qualified, a few done with.
STATUSES = [("lead", 72), ("prospect", 14), ("customer", 6), ("lost", 5), ("do_not_contact", 3)]
CHANNELS = [("call", 75), ("email", 15), ("text", 10)]
CADENCES = [(3, 5), (7, 45), (14, 30), (30, 15), (90, 5)]
LIKELIHOOD = [None, None, 10, 20, 40, 60, 80, 90]
# Outcomes as issue 3 names them; "talked" outcomes reset the attempt count.
OUTCOMES = [
    ("no_answer", 40),
    ("voicemail", 20),
    ("busy", 7),
    ("wrong_number", 1),
    ("callback", 7),
    ("connected", 16),
    ("meeting", 4),
    ("not_interested", 5),
]
TALKED = {"callback", "connected", "meeting", "not_interested"}
# Call windows a prospect asked for themselves (the per-lead override of the industry preset).
OWN_WINDOWS = [
    "mon-fri 08:00-10:00",
    "tue,thu 15:00-18:00",
    "daily 07:00-08:30",
    "weekdays 12:00-13:00; sat 10:00-12:00",
    "mon,wed,fri 16:00-19:00",
    "mon-fri 22:00-01:00",
]
VARIANTS = ["intro-A", "intro-B", "offer-trial", "offer-audit", None]

BENEFITS = [
    "Cuts month-end close from five days to two: ask about their current close.",
    "Saves a front-of-house hour a night by taking bookings off the phone.",
    "Clients get trade confirmations before the open: fewer morning calls.",
    "Stock counts in minutes, not an evening; fewer lost sales from empty shelves.",
    "No new hardware: runs on the phones the team already carries.",
    "Quotes out the same day: they lose jobs to faster competitors today.",
]
GENERAL = [
    "Prefers a call before 10:00; assistant screens after.",
    "Met at the spring trade show; interested in the reporting add-on.",
    "Expanding to a second site next year.",
]
OBJECTIONS = [
    "Happy with current supplier (contract ends in spring).",
    "Budget frozen until next quarter.",
    "Wants a reference in the same trade.",
]
