"""The cue patterns behind :func:`rewards.classify_query`, English and Chinese.

English patterns match lower-cased text; Chinese patterns match the text as given.
Kept apart from the decision logic in :mod:`rewards.query_type` so both stay readable.
"""

from __future__ import annotations

import re

_X = re.VERBOSE

# Nouns for a text a user supplies and asks about.
_TEXT_NOUN = (
    r"(?:passages?|texts?|articles?|paragraphs?|excerpts?|extracts?|documents?|docs?|stor(?:y|ies)"
    r"|poems?|essays?|reports?|e-?mails?|letters?|reviews?|sentences?|quotes?|quotations?|transcripts?"
    r"|conversation|dialogue|chat|code|snippet|function|table|context|materials?|content|abstract"
    r"|notes?|paper|chapter|lyrics|speech|message|post|tweet|comments?|summary|page|section|clause"
    r"|contract|policy|description|biography|news|statement|claim|source|readings?|book\s+excerpt)"
)

# The nouns that "this ..." points at in a question about a supplied text ("this poem"); not
# "this claim" or "this statement", which usually ask for a fact check from knowledge.
_POINTED_NOUN = (
    r"(?:passages?|texts?|articles?|paragraphs?|excerpts?|extracts?|documents?|stor(?:y|ies)|poems?|essays?|reports?"
    r"|e-?mails?|letters?|reviews?|sentences?|phrases?|quotes?|quotations?|transcripts?|conversation|dialogue|code|snippet"
    r"|function|table|abstract|notes?|paper|chapter|lyrics|speech|message|post|tweet|comments?|contract|lines?|verses?)"
)

# "Context: ...", "Passage:", "the following text", "文章：" -- a passage is present or meant.
PASSAGE_MARKER = re.compile(
    rf"""(?:^|\n|[.?!]\s|[(\[])[ \t]*(?:passage|text|context|article|document|paragraph|excerpt|extract|story
            |background|reference|source|transcript|abstract|snippet|input|email|review|material|knowledge|facts)
            \s*\d*\s*[:：]\s*\S
      | \b(?:the\s+)?(?:following|below|above|preceding|given|provided|attached|supplied|retrieved|searched)
            \s+{_TEXT_NOUN}
      | \b(?:search\s+results|retrieved\s+\w+|knowledge\s+base)\b
      | (?:^|\n)[ \t]*\[\d+\]\s+\S
      | (?:(?:^|\n)[ \t]*(?!(?:user|assistant|human|ai|bot|system|model|q|a|question|answer|input|output)\s*:)
            [a-z][\w ]{{0,24}}:[ \t]+\S[^\n]*){{2,}}
      | (?:(?:^|\n)[ \t]*\|[^\n]*\|[^\n]*){{2,}}
      | \b{_TEXT_NOUN}\s+(?:below|above)\b
      | \bhere(?:'s|\s+is|\s+are)\s+(?:a|an|the|my|some|this)\s+(?:[\w-]+\s+){{0,2}}{_TEXT_NOUN}\b
      | \b(?:read|use|using)\s+(?:only\s+)?the\s+(?:following|text|passage|context|article|document)
      | \b(?:as\s+follows|the\s+following)\s*[:：]
      | \b(?:the\s+)?following\s+(?:is|are)\b|\bbelow\s+(?:is|are)\s+(?:a|an|the|my|some)\b
      | \bread\s+(?:this|these|that|below)\b
      | (?:文章|短文|段落|材料|原文|上下文|背景|资料|文本|语段|阅读材料)\s*[:：]
      | (?:以下|下面|下列|下文|上文|上述|如下|这段|这篇|该文|本文)的?
            (?:文章|短文|段落|材料|文字|内容|话|对话|文本|资料|句子|新闻|故事)
      | (?:以下|下面|如下)是?(?:一|这)?[段篇则个份条首句]?的?
            (?:文章|短文|段落|材料|文字|内容|话|对话|文本|资料|句子|新闻|故事|诗|评论|邮件)
      | 阅读(?:下面|以下|这段|这篇|材料|短文|文章|下列)""",
    _X,
)

# Explicit pointers at a supplied text inside the query.
POINTS_AT_TEXT = re.compile(
    rf"""\b(?:according\s+to|based\s+on|based\s+solely\s+on|in|from|within|using|given|per)\s+(?:the|this|these|that|my)\s+
            (?:following\s+|above\s+|given\s+|provided\s+|attached\s+|previous\s+|preceding\s+)?{_TEXT_NOUN}\b
      | \b(?:the|this)\s+(?:author|narrator|speaker|writer)\b(?!\s+(?:of|who|that)\b)
      | \b(?:this|these|the\s+following|the\s+above|the\s+given|the\s+provided|the\s+attached)\s+(?:\w+\s+)?
            {_POINTED_NOUN}\b
      | \bthe\s+(?:passage|excerpt|paragraph|text|article|document|transcript)\s+(?:\w+\s+)?
            (?:say|says|said|mention|mentions|state|states|suggest|suggests|imply|implies|claim|claims|describe|describes|argue|argues)\b
      | {PASSAGE_MARKER.pattern}""",
    _X,
)
ZH_POINTS_AT_TEXT = re.compile(
    r"(?:根据|依据|按照|结合|基于|阅读|通读)(?:以下|下面|下列|上面|上述|上文|下文|这段|这篇|该|本|原|短|所给|给定|提供的)"
    r"|文中|原文|短文|上文|这段话|这段文字|这篇文章|这首诗|这首词|这则|该文|本文|文章中|材料中|段落中|这句话|这个句子|以下内容|下面的内容"
)

# Verbs that work on a supplied text.
TRANSFORM = re.compile(
    r"""\b(?:summari[sz]e|sum\s+up|tl;?\s*dr|condense|paraphrase|rephrase|reword|rewrite|re-write|translate
         |proofread|copy-?edit|correct\s+(?:the\s+)?(?:grammar|spelling|errors|mistakes|this|these)
         |fix\s+(?:the\s+)?(?:grammar|spelling|typos|punctuation|this|these)|shorten|simplify|extract|annotate
         |what\s+is\s+the\s+(?:sentiment|tone|main\s+(?:idea|point|argument)|gist)|sentiment\s+of|tone\s+of
         |main\s+idea\s+of|key\s+points\s+of|explain\s+what\s+this|what\s+does\s+this)\b""",
    _X,
)
ZH_TRANSFORM = re.compile(
    r"翻译|译成|译为|总结|概括|归纳|摘要|提炼|改写|润色|缩写|复述|提取|抽取|校对|纠正|修改.{0,4}(?:语法|错误|病句)"
    r"|中心思想|主旨"
)
DEICTIC = re.compile(
    rf"\b(?:this|these|the\s+following|the\s+above|it|that)\s+(?:\w+\s+)?(?:{_POINTED_NOUN}|words?)\b"
    r"|\b(?:it|that|this)\s+(?:into|to)\s+\w+"
)
ZH_DEICTIC = re.compile(r"这句|这段|这篇|以下|下面|下列|上面|如下|这个句子|这几句")
QUOTED = re.compile(r"[\"“«「『][^\"”»」』]{3,}[\"”»」』]|'[^']{12,}'")
COLON_CONTENT = re.compile(r"[:：]\s*\S.{6,}", re.DOTALL)

# Verbs that ask for a piece of writing; pure writing verbs are creative unless their object
# is factual ("a biography of"), grounded ("a summary of") or code ("a Python function").
WRITE_VERB = re.compile(
    r"\b(?:write|compose|draft|pen|make\s+up|dream\s+up|invent|come\s+up\s+with|brainstorm)\b(?!\s+(?:down|out)\b)"
)
REQUEST_VERB = re.compile(
    r"""\b(?:create|craft|generate|produce|make|come\s+up\s+with|think\s+(?:of|up)|brainstorm|design|devise|tell|sing
         |give|suggest|propose|need|want|recommend|(?:i'd|i\s+would)\s+(?:like|love)|what(?:'s|\s+is|\s+are|\s+would\s+be)\s+(?:a|an|some)\s+(?:good|great|fun|funny|catchy|cool|nice|creative|clever|cute))\b""",
    _X,
)
_CREATIVE_FORM = (
    r"(?:poems?|poetry|haikus?|limericks?|sonnets?|odes?|ballads?|verses?|rhymes?|acrostics?|songs?|lyrics|raps?|jingles?"
    r"|stor(?:y|ies)|tales?|fables?|fairy\s*tales?|parables?|novels?|novellas?|fiction|fan\s*fic\w*|myths?|legends?"
    r"|screenplays?|scripts?|plays?|scenes?|skits?|monologues?|dialogues?|conversations?\s+between|plots?|characters?"
    r"|jokes?|puns?|riddles?|slogans?|taglines?|mottos?|catchphrases?|names?\s+(?:for|of\s+(?:a|an|my))|nicknames?"
    r"|titles?\s+for|headlines?\s+for\s+(?:a|an|my)|ideas?|concepts?\s+for|toasts?|speech(?:es)?|eulog(?:y|ies)|vows"
    r"|letters?|e-?mails?|notes?\s+to|cards?|greetings?|invitations?|messages?\s+(?:to|for)|tweets?|posts?|captions?"
    r"|ads?|advert\w*|commercials?|pitch(?:es)?|product\s+descriptions?|descriptions?\s+for|bios?\s+for|profiles?"
    r"|essays?|op-?eds?|blog|articles?|diary|diary\s+entr\w+|journal\s+entr\w+|cover\s+letters?|recipes?|menus?"
    r"|worlds?|universe|games?|creatures?|superhero(?:es)?|themes?\s+for|villains?|opening\s+(?:line|paragraph|sentence)s?|sequels?|endings?"
    r"|prompts?|quiz(?:zes)?|mascots?|logos?|brand\s+names?|band\s+names?|usernames?|passwords?)"
)
# What may stand before a bare writing verb for it to be a request ("Please write ...",
# "Can you write ...", "I want you to write ..."), as opposed to "What did Keats write about?".
IMPERATIVE_PREFIX = re.compile(
    r"""^(?:\W*(?:please|kindly|now|also|and|then|ok|okay|so|just|hey|hi|hello|pls)\b)*\W*
        (?:(?:can|could|would|will)\s+you\s+(?:please\s+)?(?:help\s+me\s+)?
         |(?:i\s+(?:want|need|would\s+like|'d\s+like|'d\s+love|would\s+love)\s+(?:you\s+)?to|help\s+me(?:\s+to)?|let's|let\s+us)\s+)?
        (?:please\s+)?$""",
    _X,
)
# Marked passages, code blocks and long quotations, masked before looking for creative cues
# (a passage that mentions "write a poem" does not make its question creative).
SUPPLIED_SPAN = re.compile(
    r"""```.*?(?:```|$)
      | (?:^|(?<=\n)|(?<=[.?!]\s))[ \t]*
        (?:passage|text|context|article|document|paragraph|excerpt|extract|background|reference|source|transcript
           |abstract|snippet|input|email|review|material|story)
        \s*\d*\s*:.*?(?=\b(?:question|q|task|instruction)\s*\d*\s*:|$)
      | (?:文章|短文|段落|材料|原文|上下文|背景|资料|文本)\s*[:：].*?(?=(?:问题|问)\s*[:：]|$)
      | ["“«「『][^"”»」』]{25,}["”»」』]""",
    _X | re.DOTALL | re.IGNORECASE,
)
CREATIVE_FORM = re.compile(rf"\b{_CREATIVE_FORM}\b")
TURN_INTO = re.compile(
    r"\b(?:rewrite|re-write|turn|convert|transform|rework|retell|recast|make)\b.{0,80}?"
    rf"\b(?:as|into)\s+(?:a|an|the\s+form\s+of\s+a)\s+(?:[\w-]+\s+){{0,3}}{_CREATIVE_FORM}\b",
    re.DOTALL,
)
# A bare creative form as the whole request: "a short story about a ghost", "poem about rain".
_ADJECTIVE = (r"(?:short|long|little|funny|sad|cute|creative|romantic|scary|spooky|happy|new|original|catchy"
              r"|simple|brief|quick|silly|witty|heartwarming|dark|epic|rhyming|free|modern|classic)")
FORM_ONLY = re.compile(
    rf"^\W*(?:(?:a|an|one|two|three|some|\d+)\s+(?:[\w'-]+\s+){{0,3}}?|(?:{_ADJECTIVE}\s+){{0,2}}){_CREATIVE_FORM}\b(?!\s+(?:by|from|of|written|sung|released|performed|that|which|in\s+the)\b)(?![^?]*\?\s*$)",
    re.DOTALL,
)
# "Name my band", "name our new puppy": naming something of the user's is creative.
NAME_MY = re.compile(
    r"""\bname\s+(?:my|our|a|an|the|this|his|her)\s+(?:[\w-]+\s+)?(?:band|cat|dog|pet|baby|son|daughter|company|business|startup
         |shop|store|team|podcast|channel|boat|car|app|product|blog|restaurant|cafe|café|bakery|kitten|puppy|hamster|fish|bird
         |horse|character|robot|song|album|book|novel|game|club|brand|website|project)s?\b""",
    _X,
)
# "A title for this article: ..." summarises a supplied text rather than inventing one.
GROUNDED_TITLE = re.compile(
    rf"\b(?:titles?|headlines?|subject\s+lines?)\s+for\s+(?:this|these|the\s+following|the\s+above|the\s+given)\s+(?:[\w-]+\s+)?{_POINTED_NOUN}"
)
# Objects of a writing verb that make it a factual or grounded request, not a creative one.
FACTUAL_OBJECT = re.compile(
    r"""\b(?:biography|bio\s+of|list\s+of|overview|explanation|definition|history\s+of|timeline|summary|summaries
         |comparison|facts?|the\s+(?:true\s+|real\s+|full\s+)?stor(?:y|ies)\s+(?:of|behind)|description\s+of\s+(?:how|the\s+process|what)|report\s+on|analysis|proof|formula|equation
         |translation|paraphrase|tl;?dr|abstract|outline|key\s+points|main\s+(?:points?|ideas?)|gist|answer|instructions|steps|explain)\b
       | ^\s+(?:me\s+)?(?:what|who|when|where|how|why|which|whether|if)\b""",
    _X,
)
CODE_REQUEST = re.compile(
    r"""\b(?:python|java|javascript|typescript|c\+\+|c\#|golang|rust|sql|bash|shell|powershell|regex|regular\s+expression
         |html|css|json|yaml|latex|matlab|excel\s+formula|unit\s+tests?|function|method|class|algorithm|program
         |code|snippet|query|api|endpoint|dockerfile|makefile|command|compiler)\b""",
    _X,
)
# A creative frame, whatever is asked inside it.
CREATIVE_FRAME = re.compile(
    r"""\b(?:imagine|pretend|role-?play|roleplay|make-?believe|once\s+upon\s+a\s+time|in\s+the\s+style\s+of
         |(?:describe|design|create|invent|build|draw|paint|depict|sketch)\b.{0,40}\b(?:fantasy|fictional|imaginary|magical|mythical|futuristic|alien|utopian|dystopian|dream)
         |what\s+would\s+you\s+(?:name|call)|creative(?:ly)?(?!\s+commons)|imaginative|what\s+(?:will|would|might)\s+happen\s+next
         |(?:construct|make|create|write|compose|form|generate|give\s+me|use)\s+(?:me\s+)?(?:a|an|one|two|three|\d+)?\s*(?:[\w-]+\s+)?sentences?\s+(?:using|with|that\s+uses|containing|including|for)
         |describe\b.{0,50}\bto\s+(?:a\s+(?:blind|deaf)\s+person|an?\s+alien|someone\s+who\s+has\s+never)|if\s+you\s+were\s+(?:a|an)\b|poetically|in\s+verse|in\s+rhymes?|how\s+would\s+you\s+name|as\s+if\s+(?:you\s+were|you're|it\s+were)|act\s+as\s+(?:a|an|if)|you\s+are\s+(?:now\s+)?a\s+(?:pirate|wizard|dragon|knight|detective)
         |what\s+would\s+(?:a|an|your)\s+\w+\s+say|continue\s+(?:the|this)\s+(?:story|poem|tale)|rhyming|fictional|fantasy\s+(?:world|story|novel|creature)
         |tell\s+(?:me\s+|us\s+)?(?:a|an|another|one|some)\s+(?:\w+\s+)?(?:story|stories|joke|jokes|tale|riddle|poem|bedtime))\b""",
    _X,
)
CREATIVE_OBJECT_REQUEST = re.compile(
    r"""\b(?:name|names|title|titles|slogan|tagline|nickname|pun|joke|ideas?|themes?|costumes?)\s+for\b
      | \b(?:ideas?|suggestions?)\s+(?:for|on|to)\b.*
        \b(?:party|gift|present|date|project|name|costume|theme|game|story|novel|business|event|celebration)
      | \bbrainstorm""",
    _X,
)
ZH_CREATIVE = re.compile(
    r"(?:写|作|编|创作|构思|帮我想|想一?个|拟|设计)(?!这|那|的|者|了|过|着|出|下)[一二三四五六七八九十几两个首篇段句副则封份条本部下点些]*"
    r".{0,12}?(?:诗|诗歌|古诗|绝句|律诗|词|歌词|歌|童话|故事|小说|寓言|剧本|小品|相声|笑话|段子|对联|春联|口号|标语|广告|文案"
    r"|名字|名称|书名|标题|题目|昵称|作文|散文|短文|文字|段话|随笔|游记|童谣|儿歌|演讲稿|祝福语|贺词|情书|信|日记|文章|台词|谜语|绕口令|藏头诗|打油诗)"
    r"|(?:讲|来|说)[一两几个段则]*.{0,6}?(?:故事|笑话|段子|谜语|绕口令)"
    r"|(?:起|取)[一两几三五个些]*.{0,8}?(?:名字|名称|昵称|标题|题目|书名|店名|队名|网名)"
)
ZH_CREATIVE_FRAME = re.compile(
    r"造句|造一个句子|用.{1,10}?造.{0,3}句|(?:想|出|给|提|来)[一二三四五几个些点]*.{0,10}?(?:创意|点子|主意)"
    r"|(?:用|以|模仿|仿照|学).{1,12}?(?:风格|口吻|语气|文风|笔调)|想象|假如你是|假设你是|如果你是|扮演|续写"
    r"|编一个|编个|虚构|幻想|脑洞|以.{1,8}为题|起个名|取个名|起名|取名"
)
ZH_CODE_REQUEST = re.compile(r"代码|程序|函数|脚本|算法|SQL|sql|Python|python|Java|正则")
ZH_GROUNDED_TITLE = re.compile(
    r"(?:给|为|替)(?:这篇|这段|这则|下面|以下|上面|该|本)的?(?:文章|短文|文字|新闻|段落|内容|故事|报道).{0,4}"
    r"(?:起|取|拟|想|写)(?:一个|个|一)?(?:标题|题目|名字)"
)
ZH_FACTUAL_OBJECT = re.compile(r"写.{0,4}(?:介绍|简介|生平|传记|总结|综述)")

# A system prompt that makes the assistant a writer: its requests are creative.
CREATIVE_PERSONA = re.compile(
    r"\b(?:poet|storyteller|novelist|songwriter|lyricist|screenwriter|playwright|copywriter|creative\s+writ\w+"
    r"|writes?\s+(?:poems|poetry|stories|songs|lyrics|fiction))\b|写作助手|诗人|作家|编剧|文案|创作助手"
)

# Questions and personal or instructional text (not passages).
QUESTION_START = re.compile(
    r"^(?:what|who|whom|whose|when|where|which|why|how|is|are|was|were|do|does|did|can|could|would|should|will|has|have|tell\s+me|explain|name|list)\b"
)
ZH_QUESTION = re.compile(r"什么|谁|哪|几|多少|吗[？?。]?$|呢[？?]?$|为什么|为何|怎么|怎样|如何|是否")
PERSONAL = re.compile(r"\b(?:i|i'm|i've|i'd|me|my|mine|we|we're|our|us|you|your|you're)\b|我|你|咱")
INSTRUCTION = re.compile(
    r"\b(?:always|never|should|must|please|answer|respond|reply|assistant|ensure|avoid|do\s+not|don't|be\s+(?:concise|brief|helpful))\b|请|务必|不要|回答"
)
ARITHMETIC = re.compile(
    r"\b(?:how\s+many|how\s+much|how\s+long|how\s+far|how\s+old|total|altogether|in\s+all|left|remain\w*|average|calculate|compute)\b"
    r"|多少|几个|几只|几本|一共|总共|还剩|平均"
)
FOLLOW_UP = re.compile(
    r"""^(?:(?:now|ok|okay|great|thanks|thank\s+you|nice|good|and|then|so|please|can\s+you|could\s+you)[\s,!.]*)*
        (?:make\s+(?:it|them|this|that)|do\s+(?:it|another)|another(?:\s+one)?|one\s+more|again|try\s+again|redo|more
         |shorter|longer|funnier|continue|go\s+on|keep\s+going|same\s+but|now\s+in|change\s+(?:it|the)|add\s+(?:a|an|more)
         |(?:now\s+)?(?:one|another|a\s+new\s+one|the\s+same)\s+(?:about|for|on|with|in|but)|(?:what|how)\s+about
         |rewrite\s+it|in\s+fewer\s+words|simpler)\b
      | ^(?:再来|再写|再讲|再编|继续|换一个|换个|短一点|长一点|简短一点|改一下|重新|再(?:短|长|简单|有趣))""",
    _X,
)
