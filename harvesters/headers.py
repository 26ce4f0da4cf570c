"""Column headers of library spreadsheets → catalogue fields. Data only; the logic is in
spreadsheet_headings.py.

Written by hand from the headings Vietnamese school and district libraries use in their book
lists ("Sổ đăng ký cá biệt", "Danh mục sách") and their English equivalents. Each heading is
stored as typed; matching folds both sides (case, diacritics, đ → d, spacing and punctuation), so
``Tên sách``, ``TEN SACH`` and ``ten  sach`` are the same heading. Add new headings here, not in
code.
"""

from __future__ import annotations

#: field → headings that mean it. Field names are the keys spreadsheets.py maps to MARC.
HEADERS: dict[str, tuple[str, ...]] = {
    "title": (
        "Tên sách", "Nhan đề", "Tên tài liệu", "Tiêu đề", "Tên ấn phẩm", "Nhan đề chính",
        "Title", "Book title",
    ),
    "author": (
        "Tác giả", "Tên tác giả", "Tác giả chính", "Chủ biên", "Author", "Authors", "Creator",
    ),
    "publisher": (
        "Nhà xuất bản", "NXB", "Nhà XB", "Nơi phát hành", "Publisher",
    ),
    "place": ("Nơi xuất bản", "Nơi XB", "Place", "Place of publication"),
    "year": (
        "Năm xuất bản", "Năm XB", "Năm", "Năm phát hành", "Year", "Publication year", "Date",
    ),
    "isbn": ("ISBN", "Mã ISBN", "Số ISBN"),
    "copies": ("Số lượng", "SL", "Số bản", "Số cuốn", "Copies", "Quantity", "Qty"),
    "call_number": (
        "Ký hiệu xếp giá", "KHXG", "Ký hiệu", "Số xếp giá", "Call number", "Shelf mark",
    ),
    "subject": (
        "Môn loại", "Môn", "Chủ đề", "Phân loại", "Loại sách", "Category", "Subject", "Genre",
    ),
    # The record id: the library's accession number (số đăng ký cá biệt) or book code, the
    # number written in the book and in the library's own register. Never a row number.
    "id": (
        "Số ĐKCB", "ĐKCB", "Số đăng ký cá biệt", "Đăng ký cá biệt", "Mã ĐKCB", "Mã sách",
        "Mã tài liệu", "Mã vạch", "Barcode", "Accession number", "Mã", "ID",
    ),
    # Row numbers (số thứ tự) restart at 1 in every list: recognised so they are not reported
    # as unknown columns, and never used as an identity.
    "row": ("STT", "TT", "Số TT", "Số thứ tự", "No", "No.", "Number", "#"),
    "volume": ("Tập", "Tập số", "Volume", "Vol"),
    "pages": ("Số trang", "Trang", "Pages"),
    "price": ("Giá", "Giá tiền", "Đơn giá", "Price"),
    "language": ("Ngôn ngữ", "Language"),
    "note": ("Ghi chú", "Note", "Notes"),
}
