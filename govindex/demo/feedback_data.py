"""The demo's feedback categories with their wording, the slow units, the old districts' centres and
the streets the demo's reports name."""

from __future__ import annotations

from dataclasses import dataclass

from govindex.feedback.models import (
    CategoryGroup,
    Severity,
    TransferReason,
)


@dataclass(frozen=True)
class DemoCategory:
    code: str
    name_vi: str
    name_en: str
    group: str
    severity: str
    weight: float
    department: str | None  # handled by this department by default (else the commune/ward)
    reports: tuple[str, ...]
    answers: tuple[str, ...]


CATEGORIES: tuple[DemoCategory, ...] = (
    DemoCategory(
        "sidewalk",
        "Lấn chiếm vỉa hè, lòng đường",
        "Sidewalk and roadway encroachment",
        CategoryGroup.URBAN_ORDER,
        Severity.NORMAL,
        14,
        None,
        (
            "Quán ăn bày bàn ghế kín vỉa hè, người đi bộ phải xuống lòng đường",
            "Xe máy dựng kín vỉa hè trước cửa hàng, không còn lối đi",
            "Hàng rong lấn chiếm vỉa hè từ sáng đến tối",
            "Dựng mái che, bục bệ lấn ra vỉa hè",
        ),
        (
            "Phường đã kiểm tra, lập biên bản và yêu cầu hộ kinh doanh thu dọn; tổ công tác sẽ "
            "kiểm tra lại định kỳ.",
            "Lực lượng trật tự đô thị đã giải tỏa, tạm giữ tang vật và xử phạt theo quy định.",
        ),
    ),
    DemoCategory(
        "construction",
        "Trật tự xây dựng",
        "Unlicensed or non-compliant construction",
        CategoryGroup.LAND,
        Severity.COMPLEX,
        7,
        None,
        (
            "Nhà đang xây vượt số tầng được cấp phép",
            "Công trình xây dựng không che chắn, vật liệu rơi xuống đường",
            "Cơi nới ban công lấn ra không gian chung",
        ),
        (
            "Đội quản lý trật tự xây dựng đã kiểm tra, lập biên bản vi phạm và yêu cầu chủ đầu tư "
            "dừng thi công phần sai phép.",
            "Chủ công trình đã được yêu cầu che chắn, vệ sinh; đã xử phạt vi phạm hành chính.",
        ),
    ),
    DemoCategory(
        "advertising",
        "Quảng cáo, rao vặt trái phép",
        "Illegal advertising and flyposting",
        CategoryGroup.URBAN_ORDER,
        Severity.NORMAL,
        3,
        None,
        (
            "Tờ rơi quảng cáo khoan cắt bê tông dán kín cột điện",
            "Biển quảng cáo lắp trái phép che khuất biển báo",
        ),
        ("Phường đã bóc xóa quảng cáo, xác minh số điện thoại quảng cáo để xử lý.",),
    ),
    DemoCategory(
        "waste",
        "Rác thải, vệ sinh môi trường",
        "Waste and street cleanliness",
        CategoryGroup.ENVIRONMENT,
        Severity.NORMAL,
        14,
        None,
        (
            "Rác thải tồn đọng nhiều ngày chưa được thu gom, bốc mùi",
            "Đổ trộm phế thải xây dựng ra bãi đất trống",
            "Điểm tập kết rác tự phát gây mất vệ sinh",
        ),
        (
            "Đơn vị vệ sinh môi trường đã thu gom, xử lý; phường tăng cường kiểm tra để ngăn đổ "
            "trộm.",
            "Đã thu gom toàn bộ phế thải và lắp camera giám sát tại điểm nóng.",
        ),
    ),
    DemoCategory(
        "noise",
        "Tiếng ồn, karaoke",
        "Noise and karaoke",
        CategoryGroup.ENVIRONMENT,
        Severity.NORMAL,
        5,
        None,
        ("Karaoke gây ồn sau 22 giờ hằng đêm", "Xưởng sản xuất gây tiếng ồn cả ngày"),
        ("Công an phường đã kiểm tra, nhắc nhở và xử phạt hộ gây ồn ào.",),
    ),
    DemoCategory(
        "pollution",
        "Ô nhiễm không khí, nguồn nước",
        "Air and water pollution",
        CategoryGroup.ENVIRONMENT,
        Severity.COMPLEX,
        4,
        "SNNMT",
        (
            "Cơ sở sản xuất xả khói đen, mùi khét vào khu dân cư",
            "Nước thải chưa qua xử lý xả ra mương thoát nước",
            "Đốt rơm rạ, rác gây khói mù cả khu vực",
        ),
        (
            "Sở Nông nghiệp và Môi trường đã lấy mẫu quan trắc, yêu cầu cơ sở dừng xả thải và xử "
            "phạt theo quy định.",
        ),
    ),
    DemoCategory(
        "drainage",
        "Ngập úng, thoát nước",
        "Flooding and drainage",
        CategoryGroup.PUBLIC_SERVICES,
        Severity.NORMAL,
        5,
        "SXD",
        (
            "Đường ngập sâu mỗi khi mưa lớn, nước rút rất chậm",
            "Nắp cống vỡ, rác làm tắc cửa thu nước",
        ),
        ("Công ty thoát nước đã nạo vét, thay nắp ga và bổ sung vào kế hoạch cải tạo.",),
    ),
    DemoCategory(
        "road",
        "Hư hỏng mặt đường, hè phố",
        "Damaged roads and pavements",
        CategoryGroup.TRAFFIC,
        Severity.NORMAL,
        8,
        "SXD",
        ("Ổ gà lớn giữa đường gây nguy hiểm cho xe máy", "Hè phố bong tróc, gạch vỡ nhiều đoạn"),
        ("Đơn vị duy tu đã vá sửa mặt đường, hoàn trả hè phố.",),
    ),
    DemoCategory(
        "traffic_lights",
        "Đèn tín hiệu, biển báo giao thông",
        "Traffic lights and signs",
        CategoryGroup.TRAFFIC,
        Severity.NORMAL,
        3,
        "SXD",
        ("Đèn tín hiệu tại ngã tư bị hỏng nhiều ngày", "Biển báo bị cây che khuất"),
        ("Đã sửa chữa đèn tín hiệu và cắt tỉa cây che khuất biển báo.",),
    ),
    DemoCategory(
        "parking",
        "Đỗ xe sai quy định",
        "Illegal parking",
        CategoryGroup.TRAFFIC,
        Severity.NORMAL,
        6,
        None,
        ("Ô tô đỗ chắn lối vào ngõ cả ngày", "Trông giữ xe trái phép trên vỉa hè"),
        ("Lực lượng chức năng đã xử lý phương tiện vi phạm và duy trì kiểm tra.",),
    ),
    DemoCategory(
        "streetlight",
        "Chiếu sáng công cộng",
        "Street lighting",
        CategoryGroup.PUBLIC_SERVICES,
        Severity.NORMAL,
        3,
        "SXD",
        ("Cả dãy đèn đường không sáng, ngõ tối om", "Đèn đường sáng cả ban ngày"),
        ("Công ty chiếu sáng đã thay thế bóng đèn, sửa chữa tủ điện.",),
    ),
    DemoCategory(
        "land",
        "Đất đai, lấn chiếm đất công",
        "Land and encroachment on public land",
        CategoryGroup.LAND,
        Severity.COMPLEX,
        5,
        None,
        ("Hộ dân rào chiếm đất công làm bãi trông xe", "Xây dựng trên đất nông nghiệp"),
        ("Ủy ban đã kiểm tra hiện trạng, yêu cầu hoàn trả mặt bằng và xử lý vi phạm đất đai.",),
    ),
    DemoCategory(
        "procedures",
        "Thủ tục hành chính",
        "Administrative procedures",
        CategoryGroup.PROCEDURES,
        Severity.NORMAL,
        8,
        None,
        (
            "Hồ sơ đăng ký hộ kinh doanh quá hạn chưa được trả kết quả",
            "Bộ phận một cửa yêu cầu nộp thêm giấy tờ không có trong quy định",
        ),
        (
            "Bộ phận một cửa đã trả kết quả, xin lỗi người dân về việc chậm trễ.",
            "Đã rà soát, hướng dẫn lại thành phần hồ sơ theo đúng quy định.",
        ),
    ),
    DemoCategory(
        "conduct",
        "Thái độ, tác phong cán bộ",
        "Civil servants' conduct",
        CategoryGroup.PROCEDURES,
        Severity.NORMAL,
        2,
        None,
        ("Cán bộ tiếp nhận hồ sơ có thái độ thiếu tôn trọng",),
        ("Đã kiểm điểm cán bộ và nhắc nhở toàn bộ phận.",),
    ),
    DemoCategory(
        "emergency",
        "Sự cố khẩn cấp: cây đổ, điện hở, sập đổ",
        "Emergencies: fallen trees, exposed wires, collapses",
        CategoryGroup.SAFETY,
        Severity.URGENT,
        2,
        None,
        (
            "Cây xanh gãy đổ chắn ngang đường",
            "Dây điện hở rủ xuống sát mặt đường",
            "Tường rào có nguy cơ sập",
        ),
        ("Lực lượng cứu hộ đã có mặt, xử lý sự cố và bảo đảm an toàn.",),
    ),
    DemoCategory(
        "food_safety",
        "An toàn thực phẩm",
        "Food safety",
        CategoryGroup.SAFETY,
        Severity.COMPLEX,
        2,
        "SYT",
        ("Cơ sở kinh doanh thực phẩm không rõ nguồn gốc",),
        ("Đoàn kiểm tra liên ngành đã kiểm tra, tiêu hủy hàng hóa và xử phạt cơ sở.",),
    ),
)

#: Pairs of units that bounce cases (the categories concerned, the share of those cases, and
#: how they move): a commune and its neighbour over whose area it is, a ward and a department
#: over whose job it is.
BOUNCING_PAIRS: tuple[tuple[str, str, tuple[str, ...], float, str], ...] = (
    ("00070", "00082", ("sidewalk", "parking"), 0.30, TransferReason.WRONG_AREA),
    ("00166", "SXD", ("drainage", "road", "sidewalk"), 0.35, TransferReason.WRONG_UNIT),
    ("09556", "09886", ("waste", "construction"), 0.30, TransferReason.WRONG_AREA),
    ("00331", "SNNMT", ("pollution", "waste"), 0.40, TransferReason.SPECIALIST),
)
#: Units that take longer at every step (factor on their delays).
SLOW_UNITS = {"00331": 3.0, "09886": 2.6, "00292": 2.4, "00352": 2.2, "SXD": 1.8, "00166": 1.6}

#: Approximate centres of the 30 former districts (for placing the new communes/wards on the
#: demo map; not surveyed boundaries).
DISTRICT_CENTRES = {
    "Quận Ba Đình": (21.0358, 105.8190),
    "Quận Hoàn Kiếm": (21.0288, 105.8525),
    "Quận Tây Hồ": (21.0700, 105.8180),
    "Quận Long Biên": (21.0470, 105.8890),
    "Quận Cầu Giấy": (21.0320, 105.7900),
    "Quận Đống Đa": (21.0130, 105.8260),
    "Quận Hai Bà Trưng": (21.0050, 105.8560),
    "Quận Hoàng Mai": (20.9750, 105.8580),
    "Quận Thanh Xuân": (20.9940, 105.8100),
    "Quận Nam Từ Liêm": (21.0100, 105.7600),
    "Quận Bắc Từ Liêm": (21.0700, 105.7600),
    "Quận Hà Đông": (20.9600, 105.7600),
    "Thị xã Sơn Tây": (21.1350, 105.5050),
    "Huyện Ba Vì": (21.1500, 105.3900),
    "Huyện Phúc Thọ": (21.1100, 105.5600),
    "Huyện Đan Phượng": (21.1000, 105.6700),
    "Huyện Hoài Đức": (21.0300, 105.7000),
    "Huyện Quốc Oai": (20.9800, 105.6200),
    "Huyện Thạch Thất": (21.0300, 105.5600),
    "Huyện Chương Mỹ": (20.8900, 105.6700),
    "Huyện Thanh Oai": (20.8600, 105.7700),
    "Huyện Thường Tín": (20.8300, 105.8700),
    "Huyện Phú Xuyên": (20.7300, 105.9100),
    "Huyện Ứng Hòa": (20.7200, 105.7700),
    "Huyện Mỹ Đức": (20.6900, 105.7200),
    "Huyện Thanh Trì": (20.9400, 105.8400),
    "Huyện Gia Lâm": (21.0200, 105.9500),
    "Huyện Đông Anh": (21.1400, 105.8500),
    "Huyện Sóc Sơn": (21.2600, 105.8400),
    "Huyện Mê Linh": (21.1800, 105.7200),
}
STREETS = (
    "Hàng Bông",
    "Hàng Gai",
    "Phố Huế",
    "Bạch Mai",
    "Giải Phóng",
    "Trường Chinh",
    "Láng",
    "Cầu Giấy",
    "Xuân Thủy",
    "Nguyễn Trãi",
    "Quang Trung",
    "Lê Trọng Tấn",
    "Ngọc Lâm",
    "Nguyễn Văn Cừ",
    "Tam Trinh",
    "Lĩnh Nam",
    "Kim Giang",
    "Phạm Văn Đồng",
    "Hoàng Quốc Việt",
)
