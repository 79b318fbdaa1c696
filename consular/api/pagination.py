from rest_framework.pagination import CursorPagination as BaseCursorPagination


class CursorPagination(BaseCursorPagination):
    """Opaque next/previous links, no COUNT over the whole table."""

    ordering = "pk"
    page_size_query_param = "page_size"
    max_page_size = 200
