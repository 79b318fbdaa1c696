"""What screening tells other apps: a subject was screened (sent after the hits are committed).

The visas domain connects a receiver that moves its application from screening to under review.
"""

from django.dispatch import Signal

# sender=ScreeningSubject, subject=<ScreeningSubject>
subject_screened = Signal()
