"""The Code of Ethics a candidate signs: its version (a setting) and its principles, in our own words."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as pgettext

PRINCIPLES = (
    (_l("Hope"), _l("I show by my own life that recovery is possible, and I hold on to hope for the people I serve.")),
    (_l("Person-driven"), _l("The people I serve lead their own recovery; I support the choices they make.")),
    (_l("Family-driven and child-centred"), _l("When I work with families, the family leads and the child's "
                                               "needs come first.")),
    (_l("Holistic wellness"), _l("I attend to the whole person: body, mind, relationships, work and community.")),
    (_l("Authenticity"), _l("I share my lived experience honestly and only when it helps the person I serve.")),
    (_l("Cultural responsiveness"), _l("I respect each person's culture, language and identity, and I keep "
                                       "learning about them.")),
    (_l("Respect"), _l("I treat every person with dignity, without judgement or discrimination.")),
    (_l("Integrity"), _l("I am honest in my work, my records and my billing, and I keep my word.")),
    (_l("Advocacy"), _l("I help people speak up for themselves and I speak up against unfair treatment.")),
    (_l("Confidentiality"), _l("I keep what people tell me private, within the law and the rules of my workplace.")),
    (_l("Safety and protection"), _l("I act to keep people safe and I follow the law on reporting harm.")),
    (pgettext("Code of Ethics principle", "Education"), _l("I keep my skills current through training and continuing education.")),
    (_l("Mutuality"), _l("I build relationships of shared learning and equal worth, within professional "
                         "boundaries.")),
    (_l("Strengths-based"), _l("I start from what people can do and what they already have.")),
    (_l("Wellness, recovery and resiliency"), _l("I look after my own wellness so that I can support others "
                                                 "well.")),
)
