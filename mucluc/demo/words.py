"""Word tables for the benchmark record generator.

Written by hand for Mục lục. Titles are combined from these tables by
:mod:`mucluc.demo.generate`, so they read like Vietnamese titles (real spelling, real tone
marks, real place names of Điện Biên and the Northwest) without being any real book's title.
"""

from __future__ import annotations

IMAGES = (
    "Mùa xuân", "Dòng sông", "Cánh rừng", "Ngọn núi", "Tiếng suối", "Bản làng", "Con đường",
    "Ánh trăng", "Hoa ban", "Mây trắng", "Cánh đồng", "Ngôi nhà", "Ngọn lửa", "Bếp lửa",
    "Tiếng khèn", "Con thuyền", "Cơn mưa", "Giọt sương", "Tiếng chim", "Mùa lúa chín",
    "Vầng trăng", "Đỉnh đèo", "Bờ suối", "Cây gạo", "Hoa đào", "Ngọn gió", "Chiếc váy xòe",
    "Tiếng hát", "Dấu chân", "Ngọn đèn", "Mái trường", "Con suối", "Ruộng bậc thang",
)
QUALITIES = (
    "xanh", "trắng", "cuối cùng", "đầu tiên", "xa xăm", "bình yên", "thầm lặng", "rực rỡ",
    "ấm áp", "lặng lẽ", "mênh mông", "dịu dàng", "năm ấy", "của mẹ", "tuổi thơ", "trong mưa",
    "trên bản", "nơi biên giới", "ngày trở về", "ven rừng", "quê hương", "mùa thu", "không tên",
    "trong sương", "của núi", "bên kia dốc", "ngày ấy", "mùa hoa ban",
)
PLACES = (
    "Điện Biên", "Mường Thanh", "Tuần Giáo", "Mường Chà", "Mường Nhé", "Điện Biên Đông",
    "Mường Ảng", "Nậm Pồ", "Tủa Chùa", "Mường Lay", "Pa Thơm", "Lai Châu", "Sơn La", "Tây Bắc",
    "Hà Nội", "Thanh Hóa", "Nghệ An", "Huế", "Mộc Châu", "Sa Pa", "Hòa Bình", "Lào Cai",
    "Pú Nhi", "Chà Tở", "Si Pa Phìn", "Mường Toong", "Na Sang", "Quài Tở", "Thanh Xương",
)
TOPICS = (
    ("Văn hóa", "306.09597"), ("Lịch sử", "959.7"), ("Kinh tế", "330.9597"),
    ("Giáo dục", "370.9597"), ("Du lịch", "915.97"), ("Ẩm thực", "394.1209597"),
    ("Lễ hội", "394.269597"), ("Phong tục", "390.09597"), ("Dân ca", "782.421629597"),
    ("Nghề dệt thổ cẩm", "746.09597"), ("Di tích", "959.7"), ("Địa danh", "915.97"),
    ("Truyện cổ", "398.209597"), ("Luật tục", "340.5209597"), ("Y học cổ truyền", "615.88"),
)
PEOPLES = (
    ("người Thái", "Dân tộc Thái"), ("người H'Mông", "Dân tộc H'Mông"),
    ("người Khơ Mú", "Dân tộc Khơ Mú"), ("người Dao", "Dân tộc Dao"),
    ("người Hà Nhì", "Dân tộc Hà Nhì"), ("người Lào", "Dân tộc Lào"),
    ("người Si La", "Dân tộc Si La"), ("người Cống", "Dân tộc Cống"),
    ("người Phù Lá", "Dân tộc Phù Lá"), ("người Kinh", "Dân tộc Kinh"),
)
CROPS = (
    ("lúa nước", "633.18"), ("lúa nương", "633.18"), ("ngô", "633.15"), ("sắn", "633.682"),
    ("cà phê", "633.73"), ("chè", "633.72"), ("mắc ca", "634.57"), ("thảo quả", "633.83"),
    ("quế", "633.83"), ("sơn tra", "634.1"), ("cây ăn quả", "634"), ("rau sạch", "635"),
    ("nấm", "635.8"), ("dong riềng", "635.2"), ("cao su", "633.8952"),
)
ANIMALS = (
    ("lợn", "636.4"), ("gà", "636.5"), ("trâu", "636.293"), ("bò", "636.2"), ("dê", "636.39"),
    ("cá", "639.31"), ("ong mật", "638.1"), ("vịt", "636.597"),
)
FARM_VERBS = ("Kỹ thuật trồng", "Trồng và chăm sóc", "Phòng trừ sâu bệnh cho", "Thu hoạch và "
              "bảo quản", "Chế biến")
ANIMAL_VERBS = ("Kỹ thuật nuôi", "Chăn nuôi", "Phòng bệnh cho", "Hỏi đáp về nuôi")
SCHOOL_SUBJECTS = (
    ("Toán", "510.712"), ("Ngữ văn", "807.12"), ("Tiếng Việt", "372.6"),
    ("Lịch sử và Địa lí", "907.12"), ("Khoa học tự nhiên", "507.12"), ("Tiếng Anh", "428.0071"),
    ("Tin học", "004.0712"), ("Giáo dục công dân", "170.712"), ("Âm nhạc", "780.712"),
    ("Mĩ thuật", "707.12"), ("Công nghệ", "607.12"), ("Hoạt động trải nghiệm", "371.3"),
)
GENRES = (
    ("Tiểu thuyết", "895.92234", "1"), ("Truyện ngắn", "895.92234", "1"),
    ("Thơ", "895.9221", "p"), ("Bút ký", "895.9228", "1"), ("Truyện thiếu nhi", "895.92234", "1"),
    ("Hồi ký", "895.9228", "0"),
)
SURNAMES = (
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
    "Dương", "Lý", "Đinh", "Phan", "Trịnh", "Lò", "Cầm", "Quàng", "Lường", "Tòng", "Điêu",
)
HMONG_SURNAMES = ("Giàng", "Sùng", "Thào", "Vàng", "Mùa", "Lầu", "Hạng", "Lý", "Chang")
MIDDLES = (
    "Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quang", "Xuân", "Thu", "Kim", "Công",
    "Bá", "Hồng", "Thùy", "Mạnh", "Anh", "Diệu", "Khánh", "Tuấn",
)
HMONG_MIDDLES = ("A", "Seo", "Thị", "Chứ", "Mí", "Vả")
GIVEN = (
    "An", "Bình", "Chiến", "Dũng", "Hà", "Hòa", "Hương", "Lan", "Mai", "Nam", "Thủy", "Sơn",
    "Hùng", "Tuấn", "Hạnh", "Nga", "Phương", "Quỳnh", "Trang", "Yến", "Khoa", "Long", "Minh",
    "Ngọc", "Thúy", "Tùng", "Việt", "Xuân", "Lợi", "Thắng", "Huyền", "Loan", "Hoa", "Đông",
)
HMONG_GIVEN = ("Páo", "Sử", "Chu", "Dế", "Lử", "Tủa", "Mai", "Dính", "Chống", "Súa", "Pó")
