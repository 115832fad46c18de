"""The default list of root causes (code, Vietnamese, English, Indonesian), in display order.

Migration ``0002_root_causes`` loads it into an empty database; ``services.root_causes_seed``
adds any that are missing (the demo calls it). Administrators then change the list in the admin.
"""

from __future__ import annotations

DEFAULT_ROOT_CAUSES: tuple[tuple[str, str, str, str], ...] = (
    (
        "leadership",
        "Công tác lãnh đạo, chỉ đạo chưa sát sao",
        "Leadership and direction not close enough",
        "Kepemimpinan dan pengarahan kurang dekat",
    ),
    (
        "staffing",
        "Thiếu biên chế hoặc năng lực cán bộ còn hạn chế",
        "Staff shortage or insufficient skills",
        "Kekurangan pegawai atau keterampilan yang kurang",
    ),
    (
        "coordination",
        "Phối hợp giữa các cơ quan chưa chặt chẽ",
        "Weak coordination between agencies",
        "Koordinasi antarinstansi yang lemah",
    ),
    (
        "systems_data",
        "Hạn chế của hệ thống công nghệ thông tin hoặc dữ liệu",
        "IT system or data limitations",
        "Keterbatasan sistem TI atau data",
    ),
    (
        "legal",
        "Vướng mắc về thể chế, thủ tục pháp lý",
        "Legal or procedural obstacles",
        "Hambatan hukum atau prosedural",
    ),
    (
        "budget",
        "Kinh phí chưa đáp ứng yêu cầu",
        "Insufficient budget",
        "Anggaran tidak mencukupi",
    ),
    (
        "evidence",
        "Chưa lưu trữ, cung cấp đầy đủ tài liệu kiểm chứng",
        "Evidence not documented",
        "Bukti tidak didokumentasikan",
    ),
    (
        "external",
        "Nguyên nhân khách quan, bên ngoài",
        "External or objective causes",
        "Penyebab eksternal atau objektif",
    ),
)
