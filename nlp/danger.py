"""Danger to a person, now: a separate check that can only raise urgency.

``check(text)`` looks for a person in danger at this moment, described with or without the
usual word: trapped, fallen and not getting up, unresponsive, a child alone or climbing out,
fire, smoke with crackling or a burning smell, gas or a gas pipe dug through, violence with a
weapon or a break-in under way, someone about to harm themselves, things falling where people
walk, water reaching electrics, a missing manhole cover on a path.
Past, averted, hypothetical and pretend danger (已经灭了, 上礼拜, 差点, 要是, a game, a TV
show) does not count. It runs on normalised text (Cantonese forms already in Mandarin).
Each kind names the emergency number that fits it (119 fire and rescue, 120 ambulance, 110
police). Pure and table-driven; tests in tests/nlp/test_danger.py.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from nlp.lexicon import _required
from nlp.matchers import _ahocorasick

# Who can be in danger (used to tie a state to a person).
_WHO = (r"(人|我|他|她|孩子|小孩|老人|老太太|老太|老头|老爷子|老大爷|大爷|大妈|阿姨|奶奶|爷爷|外婆|外公|姥姥|姥爷|婆婆"
        r"|老伴|老公|老婆|爸|妈|儿子|女儿|邻居|宝宝|娃|小朋友|伯|叔|婆|仔|女士|先生|小伙|姑娘|师傅|病人)")
_KID = r"(小孩|孩子|娃|宝宝|小朋友|儿童|细路|小仔|个仔|我仔|孙子|孙女|外孙|男孩|女孩|bb|\d岁|[一二三四五六七八九两]岁)"
_STOP = "，。！？,.!?；; "  # what ends a clause: ~N gaps and tied words stay inside one
# What a child swallows that poisons it.
_POISON = r"(农药|老鼠药|耗子药|灭鼠药|敌敌畏|百草枯|杀虫剂|消毒液|洁厕|纽扣电池|干燥剂|洗衣凝珠|洗洁精|漂白水|84消毒|清洁剂|除草剂)"
# Where people walk, or are below.
_PATH = (r"人行道|街市|菜市|市场|商场|超市"
         r"|走道|过道|小路|步道|必经|人来人往|有人走|人走|走人|行人|路人|过路|上学|放学|孩子|小孩|老人|人多|出入口"
         r"|单元门口|楼门口|大门口|等车|接孩子|等孩子|人行横道|斑马线|大厅|门厅|通道|进出|很多人|好多人|取件|快递柜|来回走|走来走去|砸到人|砸伤人|砸到了人|脚边|砸我|砸在我|砸到我")
# Below, with people there ("下面就是单元出入口", "底下好几个小孩在玩").
_BELOW = (r"|(下面|底下|正下方|下方|楼下|正对着)[^，。！？,.!?；;]{0,10}(人|孩子|小孩|小朋友|学生|走|出入口|入口|滑梯|幼儿园"
          r"|广场|晾|菜市场|主干道|大门|出口|单元门)")
_WALK = re.compile(_PATH + r"|踩空|(底下|下面|下方)[^，。！？,.!?；; ]{0,4}过"
                   r"|路上|马路|街上|路边|路口|路中间|路过|从这过|从这儿过|广场|街度|高层|高空" + _BELOW)
_ON_PATH = re.compile(_PATH)
# kinds that count only where people walk
_NEEDS = {"falling": _WALK, "manhole": _WALK}
# kinds the text around them cancels: a child alone for whom care is asked (托管, 照看); a tree lying on the
# lawn; smashing during renovation
_UNLESS = {"child": re.compile(r"托管|照看|看护|看孩子|帮忙看"),
           "fallen": re.compile(r"(树|枝|杆|牌子)[^，。！？,.!?]{0,12}躺在"),
           "violence": re.compile(r"装修|施工|砸墙")}

# kind -> (category, emergency number, pattern). In a pattern, ~N is a gap of at most N characters
# inside one clause (no punctuation or space), so two words are tied to the same event.
_KINDS: tuple[tuple[str, str, str, str], ...] = (
    # Cantonese 燶 (burnt) arrives as 㶶: normalisation's traditional-to-simplified table maps it so.
    ("fire", "safety", "119",
     r"着火|起火|失火|火灾|火烛|烧起来|着起来|火苗|烟好大|(烟|火)越来越大|明火|火光|火很大|大火|冒烟|冒黑烟|冒白烟|黑烟|浓烟|烟很大|好大的烟"
     r"|全是烟|好多烟|(烟|焦|糊|火).{0,16}(噼里啪啦|噼啪|劈里啪啦|劈啪|啪啪|滋滋)"
     r"|(噼里啪啦|噼啪|劈里啪啦|劈啪|滋滋).{0,16}(烟|焦|糊|火)|(?<!抽)有烟(?![头花味囱草酒盒])"
     r"|(屋里|家里|楼道|楼梯|走廊|厨房|窗户|房间)~4(全是烟|都是烟|往外冒烟|都系烟|全系烟)"
     r"|着伙了|自燃|(大火|火苗|火势|火已经|火都)~4烧到|(电动车|电瓶车|电车)[^，。！？,.!?；;]{0,10}炸了(?!胎)|(电动车|电瓶车|电车)[^，。！？,.!?；;]{0,10}烧起来|(辆|车)~4在烧(?![烤水饭])|刺鼻[^，。！？,.!?；;]{0,16}(咳嗽|喘不|头晕|晕倒)|烟(大|浓)得|烟雾弥漫|烧焦|焦糊|糊味|焦味|烧塑料|塑料烧|胶皮味|烧着了|冒火|火星|电线~4(烧|着了)|烧电线(的)?(味|气味)"
     r"|(渗|漏|流|滴)~8(吸顶灯|灯座|灯泡|灯管|电灯)~12(滋滋|冒火|冒烟|噼啪)"
     r"|火(已经)?起来了|有火花|((?<=[现正还])在烧|(?<=现)在在烧)(?![烤水饭菜开香纸])|烟感~4(报警|响了|在响|一直响|叫)(?!器)|火~2(窜出来|蹿出来|冒出来|窜上来)|㶶味|烧㶶|㶶了|火~2(引到|窜到|蔓延|烧过来)|烧了(好大|一大|很大)(一)?片|打火花|(嘭|砰|轰)(一声|的一声)[^。！？!?]{0,20}(味|烟|火)|(噼里啪啦|噼啪|劈啪|滋滋)[^。！？!?]{0,16}(塑料味|胶味|闪光)"
     r"|(线皮|电线皮|绝缘皮|插线板|插排|排插)~4(烧化|烧开|烧焦|烧黑|烧糊|熔了|化了)|冒黑的|冒黑气|往~6灌烟|灌烟味|火烧厝|火烧屋|好大烟|烟[^。！？!?]{0,8}(看不清|看不见|出不去)|🔥[^。！？!?]{0,4}\d+(单元|栋|号楼|号|楼)|🔥(地库|车库|楼道|厨房|仓库|楼梯间|配电房)|(炭盆|火盆|烧烤炉|炭炉)~4(踢翻|打翻|翻了)"),
    ("gas", "safety", "119",
     r"(煤气|燃气|天然气|液化气)(的)?(味|泄漏|漏)(?!报警器|检测|探测)|漏气|一股煤气|一股燃气|臭鸡蛋(那种|一样|似的|的)?(味|气味)|(味|味道|气味)[^。！？!?]{0,3}(像|跟)臭鸡蛋"
     r"|(燃气|煤气|天然气)~4(管|管道|管子|软管|罐|瓶|阀门)~8(挖断|挖破|挖坏|断了|破了|裂了|掉了|脱了|崩开|崩了|爆开|漏|爆|呲|嘶)|满屋(都是|全是)(煤气|燃气|气)"
     r"|中毒|一氧化碳(?!报警器|检测|探测)|(热水器|炉子|炭火|煤炉|烤火).{0,12}(头晕|恶心|想吐)"
     r"|(头晕|恶心|想吐)[^。！？!?]{0,16}(炭火|炭盆|煤炉|炉子|烤火|火盆)"
     # a gas smell and a head going light
     r"|(燃气|煤气|天然气|液化气|漏气)[^。！？!?]{0,40}(头晕|头疼|头痛|恶心|想吐)"
     r"|(挖断|挖破|挖坏|铲断|弄断|碰断|压断)~6(燃气|煤气|天然气)|(燃气|煤气|天然气)~4(管|管道|管子)~8(打穿|钻穿|凿穿|打破|钻破)|味[^。！？!?]{0,4}像(煤气|燃气|液化气|天然气)|(煤气|燃气|气)罐~6(嘶嘶|呲呲)"
     r"|(燃气|煤气|天然气|液化气)(表|灶|罐|阀|阀门|管)~8(呲呲|嘶嘶|滋滋|呲|嘶)|(呲呲|嘶嘶)(的)?(响|声)~10(味|臭)|(煤气罐|液化气罐|气罐)~10(摔|漏)|(煤炉|炉子|煤烟|炭盆)[^。！？!?]{0,20}(头疼|头痛|头晕|起不来|迷迷糊糊)"
     r"|(燃气|煤气|天然气)~4(管|管道|管子)~10(撞弯|撞坏|撞断|压坏)|(煤气|燃气|天然气)[^。！？!?]{0,10}(?<!没)(?<!没有)(?<!不)闻到~3味"
     r"|煤器味|很浓的汽油味|(很|好|特别)(冲|浓|刺鼻)的汽油味|(煤气|燃气|天然气|液化气)\s*(泄漏|泄露)(?!报警器|检测|探测)|(煤气|燃气)灶~8开着[^。！？!?]{0,12}(闻到|味)|(燃气表|煤气表)~4(一直在转|在转|还在走|一直走)[^。！？!?]{0,10}没开|汽油味(很|好|特别)?(浓|冲|刺鼻)|(燃气|煤气|天然气)[^。！？!?]{0,12}(全是味|都是味|味好大|好大味)"
     r"|(燃气|天然气|煤气)报警器(一直|在|又)?(叫|响)|^.{0,14}(煤气|燃气)(味)?[!！ ]*$"),
    ("fallen", "care", "120",
     r"晕倒|昏倒|晕过去|昏过去|昏迷|不省人事|叫不醒|叫不起|喊不起|叫不应|喊不应|喊不醒|没有呼吸|没呼吸"
     r"|口吐白沫|抽搐|倒在地上|躺在地上(?!打滚|耍赖|玩)|(躺着|倒着|躺在那|倒在那)(个|一个)?人|躺在(路边|路上|街上|楼下|门口|楼道)|(?<!竹子)(?<![树杆枝渣车])(?<!渣都)(?<!圾都)(?<!横七竖八)倒在(路边|路上|街上|楼下|门口|楼道)|倒地|吐血|大出血|血流不止|流了好多血|胸口~2(疼|痛)|心脏病(犯|发作)"
     r"|喘不上气|(?<!闷得)(?<!热得)喘不过气|嘴(也)?歪了|说不出话|(手|胳膊|半边)~3抬不起来|脸色发紫|心口~2(疼|痛)"
     r"|站不起来了|动不了了|(热晕|中暑|热到头晕|热得头晕)|后脑勺着地|头着地|(摔|跌|磕|撞|砸)[^。！？!?]{0,12}(?<![椅桌凳床])(?<!椅子)(?<!桌子)(?<!凳子)(胳膊|腿|手腕|脚踝|骨头)[^。！？!?]{0,4}(断了|骨折)|(停电|断电|没电)[^。！？!?]{0,32}(制氧机|呼吸机|吸氧|透析|氧气机)|(制氧机|呼吸机|吸氧)[^。！？!?]{0,24}(停电|停了|没电|断电)|触电|溺水|掉(?<!线掉)(?<!杆掉)(?<!机掉)(进|到|在)~8(水|河|池|湖|井|塘|坑)|落水(?!管|口|斗|槽)|在水里扑腾"
     r"|(都是|全是|一脸|满头|满脸|一身)血|(摔|跌|磕|撞|滑)[^。！？!?]{0,12}((一脸|满头|满脸|一身|浑身)(都)?是血|头破血流)|咳血|叫也叫不动|叫不动了|喊不动|(晕在|昏在|(?<![歪树杆水圾油渣土全菜车])(?<!菜就)(?<!水就)(?<!圾就)(?<!渣都)(?<!圾都)(?<!土都)(?<!横七竖八)倒在)~6(里|上|地)"
     r"|从~8(楼上|窗户|窗台|阳台|梯子|树上|屋顶|楼顶)~4(掉|摔|跌)下来|(压着|压住|压到|埋着|埋住)(人|个人|了人|一个人)"
     rf"|{_WHO}[^，。！？,.!?；; 刷按点卡]{{0,8}}(没反应|没有反应|不会动了|一动不动|没动静|不应|不答应|没气了)"
     r"|(摔|跌|滑|绊|倒|瘫).{0,12}(起不来|爬不起来|站不起来|动不了|起不了身|起不了)|起不来了|爬不起来"
     r"|(敲门|拍门|喊门|敲了|拍了|打电话|喊了|叫了)~8(没人应|没反应|没有反应|不应|不开|没人开|没动静)"
     r"|躺在~4地上(?!打滚|耍赖|玩)|吞(了|下|进)~4(硬币|纽扣|磁铁|钉子|别针|图钉|玻璃|珠子|弹珠|电池)"
     r"|(一个人在家|一个人住|独居)(?:(?!房东|物业|师傅|客服|维修|修不了)[^。！？!?]){0,30}(打不通|怎么打都不通|联系不上|不接电话|没人接)"
     # 趴在/趴地 first: the gate keys on them, not on 楼道 or 门口 (it keeps the longest required strings)
     rf"|{_WHO}~6趴在~2(地上|地下|路边|路上|门口|楼道|台阶|马路)(?!玩|睡|晒|看|找|捡|擦|写)|{_WHO}~6趴地(上|下)(?!玩|睡|晒|看|找|捡|擦|写)|(头|头上|脑袋|额头|后脑勺?)~4(出血|流血|冒血|淌血)"
     r"|电视~6(一直开着|开着没关|响了一天|开了一天|一直响|一直在响)"
     r"|(有人|人)~2(晕了|昏了)|突然晕|抽起来了?|(浑身|全身|身子)~2抽(?!烟|屉|水|签|奖|血|空|筋)|嘴(里|角|边)~3(冒|有|吐|流)(白)?沫|眼睛~3往上翻|(脸|嘴唇|嘴)~3(发紫|紫了|都紫)|喘不上来|半边(身子|身)~3(没力|无力|不能动|动不了)|(伤口|刀口)~8(渗血|出血|流血|止不住)|误(吃|服|食|喝)(了)?~10(药|片|农药|消毒)|(躺着|坐地上|坐在地上|躺地上)~4(没动|不动)|迷迷糊糊~10(起不来|叫不醒|说不清)"
     r"|(屋里|家里|里面|里头|这两天|好几天|一整天)~8(没(有)?动静|一点动静(都|也)?没(有)?)|([\d两几三]|好几)天没(开门|开过门)|(牛奶|报纸|外卖|快递|菜)~4没(拿|取)|窗帘~4没拉"
     r"|不会反应|不识反应|晕低|羊水破了|(小孩|孩子|人|老人|娃)~6(沉底|沉下去)了|低血糖~2(犯了|发作)|人(都)?迷糊了"
     rf"|{_KID}~6抽风|(趴|倒|躺)(在)?地上~2不动弹"
     r"|血止不住|止不住血|流血不止|血流不停|流血不停|嘴~3歪|说话不清"
     r"|突然~12(站不稳|说话含糊|说不清话|口齿不清|不认人)|叫(他|她)?不太应|([\d两几三]|好几)天没见(着|到)?人"
     rf"|{_KID}[^。！？!?]{{0,6}}把(一整板|一整瓶|一整盒|一瓶|一盒|一板|好多|很多|一大把|一把)[^，。！？,.!?；;]{{0,4}}药[^，。！？,.!?；;]{{0,4}}(吃|吞)(了|下去)"
     r"|抽过去了?|背过气|(头晕|晕)得?~4(站不住|站不稳)|(摔|跌)(了|伤)?~4(不能动|不会动)|(一个人在家|家里就(她|他|我)一个)[^。！？!?]{0,30}(就)?(不回了|没回了|没动静了|联系不上了)|(零下|大冷天|寒冬|冻得)[^。！？!?]{0,12}(单衣|光脚|拖鞋|直哆嗦)[^。！？!?]{0,12}(说不清|问啥都|不知道家)|(叫|喊)不答应|(怎么)?(叫|喊|拍|摇|推)~2都(叫|喊|拍|摇|推)?不醒|(拍|摇|推)不醒|捂(着|住)胸口|(发烧|高烧|烧)(到|得)~3抽|眼睛直勾勾|突然~8(看不见|看不清|眼前发黑)|(水库|河|塘|湖|江|游泳|耍水|玩水)[^。！？!?]{0,24}(没上来|没起来|沉下去)|(疼|痛)得~4(打滚|满地滚)"
     rf"|{_KID}[^。！？!?]{{0,6}}(喝|吃(?!饭)|吞|咽|舔|咬破|咬开)(了)?[^，。！？,.!?；;]{{0,12}}{_POISON}"
     rf"|{_KID}[^。！？!?]{{0,6}}把[^。！？!?]{{0,4}}{_POISON}~4(喝|吃|吞|咽|舔|咬破|咬开)"
     r"|(电话|微信|视频)~6(打不通|没人接|都不接|也不接)[^。！？!?]{0,30}(一个人住|独居)(?![^。！？!?]{0,12}(估计|可能|应该|大概))"
     r"|(一个人住|独居)[^。！？!?]{0,30}(电话|微信|视频)~6(打不通|没人接|都不接|也不接)(?![^。！？!?]{0,12}(估计|可能|应该|大概))"
     r"|要生了|破水|见红|(人|老人|老头|老太太)不行了|叫不太醒|(呛|噎)(到|住)[^。！？!?]{0,10}(不出声|喘不|脸紫|发紫|不哭)|噎住了|胸口~4(压了|压着|闷得)|(胸口(发)?闷|胸闷)[^。！？!?]{0,12}(迷糊|满头汗|冷汗|喘不)|一身冷汗|直冒冷汗|抽得(凶|厉害)|(河|水|湖|塘|池)里~6扑腾|(井|坑|河|塘)里掉进去"
     rf"|掉(下去|进去)(了)?(一)?个(孩子|小孩|人|老人|娃)|{_KID}(?!的)[^{_STOP}差险点]{{0,8}}(?<!了就)掉(进去|下去|进了)"
     r"|(磕|摔)[^。！？!?]{0,14}(?<!屏幕)(?<!鼠标)(?<!手机)不动了|砸(在|到|中)[^。！？!?]{0,10}(身上|头上)|从床上~4(摔|掉|跌)下来"),
    # The same emergencies, newer phrasings (stop 27): an entry of their own so the gate runs them only on
    # text holding their own words, not on every text that opens the long list above.
    ("fallen", "care", "120",
     # (the gate keys on the suffering, three characters or more: 停电 and 老人 are everyday words)
     r"(停电|没电|断电|没暖气|停暖)[^。！？!?]{0,30}(零下|零度以下|[34]\d度|高温)[^。！？!?]{0,24}(受不了|中暑了|直发抖|冻得发抖|热晕了|冻坏了|打哆嗦|直哆嗦|没知觉|喘气都难|喘不上气|喘不过气)|"
     r"(停电|没电|断电|没暖气|停暖)[^。！？!?]{0,30}(冻得|冷得)~4(没知觉|没有知觉|发紫|动不了|说不出话)|冻僵了|"
     r"心绞痛|(一直|不停|还在|一直在)~2喊人(?!来|修|帮)|(压住|压着|夹住|卡住|砸住)(了)?~3(腿|脚|胳膊|腰|身子)[^。！？!?]{0,10}(出不来|动不了|起不来|拔不出|抽不出)|憋(气|得)~4(喘不|说不出|脸(都)?紫|发紫)|过敏[^。！？!?]{0,16}(憋|喘不|呼吸|嗓子~2肿|喉咙~2肿)"
     r"|浑身(哆嗦|发抖|直哆嗦|直发抖|都在抖)[^。！？!?]{0,12}(心慌|心里慌|冷汗)|(看东西|看人)~4重影|头~3(痛|疼)得~4(炸|裂)"
     r"|(坐|瘫|躺)(在)?~6(半天|好久|一直)[^。！？!?]{0,24}(站不起来|起不来|动不了)|(有|个)人倒(了|下)(?=$|[，。！？,.!?\s]|在)"
     r"|(妈|爸|老人|奶奶|爷爷|姥姥|姥爷|外婆|外公|他|她)~6(不接电话|电话(没人接|不接|打不通|一直没人接|一直不接|一直打不通|都不接|也不接|都打不通))[^。！？!?]{0,12}(一天一夜|一整天|两天|好几天|[\d两三]天)"
     rf"|{_KID}[^。！？!?]{{0,6}}把[^。！？!?]{{0,8}}(药|药片)(吃|吞)了~3(好几|几|一把|[两三四五六七八九十\d])(颗|片|粒)"
     r"|([\d两几三四五]|好几)天(?<!前.天)(?<!前好几天)(都没|没)(见|看见|看到)(着|到)?(人|他|她|老人)?[^。！？!?]{0,40}(味|臭|电视|灯|没人应|不应|没人开|不开门)"
     r"|(野蘑菇|毒蘑菇|菌子)[^。！？!?]{0,20}(吐|泻|晕|抽)|(上吐下泻|又吐又拉)[^。！？!?]{0,20}(野蘑菇|毒蘑菇|菌子)"
     r"|(喊|叫|敲门)(他|她)?也没(应|人应)|(喝醉|醉汉|喝多)[^。！？!?]{0,20}(睡着|躺着|睡在|躺在)[^。！？!?]{0,20}(零下|冻)"
     # (the gate keys on the smell: more ways of living alone than smells, so the smell is the rarer string)
     r"|(一个人住|独居|独住|自己住|单独住)[^。！？!?]{0,30}(怪味|臭味|异味|尸臭)|(怪味|臭味|异味|尸臭)[^。！？!?]{0,30}(一个人住|独居|独住|自己住|单独住)"
     r"|(喊疼|喊痛|叫疼|呻吟|哼哼)~4(半天|好久|一直|不停)[^。！？!?]{0,16}(门锁着|锁着门|没人开门|开不了门|进不去)"
     r"|(门缝|屋里|家里)~6(味|臭)[^。！？!?]{0,12}([\d两几三四五]|好几)天(都没|没)(见|看见|看到)(着|到)?(人|他|她|老人)"
     # stop 28: chest tightness with a cold sweat; a call unanswered since last night; no answer at the door;
     # a child through the ice; a television on for days behind a silent door
     r"|胸(口)?闷[^。！？!?]{0,4}(出冷汗|冒冷汗)|从昨(晚|天|夜|儿)(开始|起)?~3(电话|视频|微信)~4(没人接|不接|打不通|没人回)"
     r"|(没人|冇人|没有人)应门|(一直)?不应门|掉~3(冰窟窿|冰窟|冰洞|冰面下|化粪池|粪坑|水窖|机井)"
     r"|电视~4开了([两几三四五]|好几)天"
     r"|(化粪池|粪池|窨井|污水井|沼气池|地窖)[^。！？!?]{0,10}(下|进)(了)?去[^。！？!?]{0,6}(没上来|没出来|没动静|晕)"
     r"|下(了)?~2(化粪池|粪池|窨井|污水井|沼气池|地窖)~4(没上来|没出来|没动静)"
     # the third batch of stop 28: lights dark and papers uncollected for days; dizzy and unable to stand, then silent;
     # a bedridden person left alone; someone lying in the grass or sitting motionless; a child scalded with no adult
     r"|灯~4([\d两几三四五]|好几)(天没亮|天都没亮|天没开|天都没开)|(报纸|牛奶)~8(没收|没人收|没人拿)|晕[^。！？!?]{0,8}站都站不(稳|住)"
     r"|再打(就|都|也)?(没人接|不接|打不通)|(瘫痪|卧床|瘫在床)[^。！？!?]{0,40}(没见人去送饭|没人送饭|一直在喊|一直喊|就(他|她)一个)"
     r"|躺在(草丛|草地|绿化带|花坛|灌木)|(在)?地上躺着|(坐|躺|趴(?!窝))(在)?[^。！？!?]{0,16}一动不动"
     rf"|{_KID}~4(烫伤|烧伤)了[^。！？!?]{{0,12}}(大人|家长|爸妈)~3不在"
     r"|跋倒|起袂来|(跌倒|摔倒|滑倒)(了|哩|咯|咗)?[ ,，!！]*(快来|救命|快点来|来人)"
     r"|(我爸|我妈|老人|老头|老太|奶奶|爷爷|外婆|外公|阿伯|阿婆)倒了(?![水茶杯垃])"
     r"|(老人|阿伯|阿婆|老伯|大爷|大妈|奶奶|爷爷|老头|老太|孩子|小孩)[^，。！？,.!?；; ]{0,8}晕(了|倒了|过去了)"
     r"|(好几个|几个|一群|好多)(人|老人|孩子|学生|小孩)~4(都)?(吐了|又吐又拉|上吐下泻)"
     r"|吃错药了?[^。！？!?]{0,10}(一把|好几片|好几颗|一整|一瓶|一板)"
     r"|被[^。！？!?]{0,6}(掉|扔)下?来?的[^。！？!?]{0,6}砸(了|伤|到|中)"
     r"|(滑冰|溜冰)[^。！？!?]{0,16}冰~4(裂了|裂开|有裂|白道|咔咔|咔嚓)|(漂着|浮着)~6(小孩|孩子)的?~2(鞋|凉鞋|衣服|帽子)"),
    ("child", "care", "110",
     rf"{_KID}~12(一个人|独自|自己)~8(锁|关|在家|在屋|在车|哭)"
     rf"|(反锁|锁在(?!门外|外面|外头)|关在)~8{_KID}|(锁着|关着)~3{_KID}|{_KID}~6(被|给)?(反锁|锁在|关在)"
     rf"|{_KID}~12(爬|站|坐|趴|翻|挂)~8(窗外|窗台|窗户外|阳台外|阳台边|空调外机|外机|护栏外|栏杆外|围栏外|楼顶|天台|屋檐|防盗网)"
     # on a balcony or roof railing ("顶层阳台上有个小孩站在栏杆边上"), not by a railing on the ground
     rf"|(阳台|楼顶|天台|顶楼|窗)[^，。！？,.!?；;]{{0,10}}{_KID}~8(站|爬|坐|趴|翻|骑)~6(栏杆|护栏|围栏)"
     rf"|(窗台|窗外|空调外机|空调架|阳台外|护栏外)~8{_KID}"
     rf"|{_KID}~8(走丢|走失|不见了|找不到了|被人抱走|被抱走)|找不到(妈妈|爸爸|家长)"
     # one child found, another still missing ("大的找到了 小的还没消息", "回来了三个 少一个")
     rf"|(找到|找着|回来)[^。？?]{{0,16}}(还有一个|另一个|另外一个|小的|大的|老二|老大|老三|姐姐|弟弟|哥哥|妹妹|表弟|表妹|堂弟|堂妹|{_KID})"
     r"[^。！？!?]{0,8}(没找到|没找着|没消息|不见|没回来|还没有|还没)|(找到|找着|回来)(了)?[^。！？!?]{0,8}[一二三四五六七八九十两\d]+个[^。！？!?]{0,3}少(了)?[一两]个"
     rf"|{_KID}.{{0,16}}大人~3不在|大人~3不在.{{0,16}}{_KID}|{_KID}~16没(有)?大人(?!陪|带|看|管)"
     # a child not home for hours, the phone off ("从下午五点就没回家 手机关机")
     rf"|{_KID}[^。！？!?]{{0,30}}(从|到现在|[\d两几三四五六七八九十]+个(多)?(小时|钟头))[^。！？!?]{{0,16}}(没回家|没回来|找不到|联系不上)"
     rf"|{_KID}[^。！？!?]{{0,20}}(家里|屋里)(好像)?就(他|她)一个人"
     rf"|(后座|车里|车内)~8{_KID}.{{0,20}}(车窗|车门)~4(关|锁)|{_KID}~12(蹲|爬上|站在|坐在)~8(窗外|窗台|空调外机|外机|阳台外|护栏外|楼顶)"
     rf"|{_KID}[^。！？!?]{{0,20}}一转身(就)?不见了"
     r"|一转眼(就)?不见了|转眼就不见|找不到(我家|我的|我|俺家|俺)?(儿子|女儿|孩子|小孩|孙子|孙女|娃)了"
     rf"|{_KID}~8(跑|爬|溜|上)(到|上)?~2(楼顶|天台|房顶|屋顶)|{_KID}[^。！？!?]{{0,20}}(赶出来|赶出门|关在门外)"
     r"|(垃圾桶|垃圾箱|垃圾堆)~8(小孩哭|孩子哭|婴儿|小孩在哭)"
     rf"|{_KID}~4被锁(在)?车(里|内|上)|(护栏|栏杆)~4(松了|断了|坏了)[^。！？!?]{{0,10}}{_KID}~6(靠|趴|坐|站)"
     rf"|{_KID}~4被(别人|陌生人|别的家长|不认识的人)(接|抱|带)走|{_KID}[^。！？!?]{{0,20}}(分钟前|刚才|刚刚)[^。！？!?]{{0,10}}不见了"
     rf"|{_KID}~10(玩水|游泳|下河|下水)[^。！？!?]{{0,12}}(急得很|水流急|水很急|水好急|涨水了|水很深)"
     rf"|{_KID}[^。！？!?]{{0,16}}((电话|住哪|家在哪)(说不|都说不|也说不)(出|清|上来)|(不记得|说不出|说不清)(家长|家里|爸爸|妈妈)(电话|的电话))"),
    ("missing", "care", "110",
     r"(老人|老太太|老太|老头|阿婆|阿伯|大爷|大妈|奶奶|爷爷|老爷子)[^。！？!?]{0,30}问(她|他)?~4(住哪|家在哪|哪里人|叫啥|家里电话)[^。！？!?]{0,4}"
     r"(不知道|说不清|说不上来|不记得|答不上)|"
     r"(痴呆|阿尔茨海默|认知障碍|失智|糊涂|不认路|记不得路|自闭症|智力障碍|智障|不会说话)[^。！？!?]{0,40}((?<!防)走失|(?<!防)走丢|不见了|没回来|找不到|没找着|没找到|跑哪|没在家|跑出去了|跑丢|开门走了|开门跑了|自己走了|自己跑了|自己出去了|走出去了)"
     r"|((?<!防)走失|(?<!防)走丢|不见了|没回来|找不到|没找着|没找到|跑丢)[^。！？!?]{0,40}(痴呆|阿尔茨海默|认知障碍|失智|不认路|记不得路|自闭症|智力障碍|智障)"),
    ("trapped", "repair", "119",
     r"(我|人|孩子|老人|他|她)(还)?在电梯(里|里面|里头)[^。！？!?]{0,12}(不动|停了|卡住|灯也灭|门打不开|开不了门)|被困|困住|困在|困电梯(里|里面|里头)了|困着在|困了在|困着~4(人|个)|关在电梯|电梯关人|电梯困人|卡在电梯|电梯~10(关着人|人出不来|困)"
     r"|电梯.{0,12}(里面有人|里头有人|有人在里面|里面还有人)"
     r"|电梯(里|里面|里头|井里|井)~4(有人|有小孩|有孩子|有个小孩|有老人)~4(拍门|敲门|喊|哭|叫)"
     r"|(锁|关|卡|困)在~8(出不来|出不去|开不了门)|被卡在|卡在\d+楼了|被反锁|被锁在(?!门外|外面|外头)|(里面|里头)~3关着|还关着|人还在里(面|头)"
     r"|(孩子|小孩|娃|老人)~3在里头|(头|腿|手|脚)~2卡在|(人|孩子|小孩|娃|老人|头|腿|手|脚|胳膊)[^，。！？,.!?；; 鞋靴]{0,6}拔不出来"
     r"|(人|工人)~3(挂在|吊在)~3(半空|外墙|空中|阳台外|窗外)|轿厢~4(不在|没在|没到|没下来)|没有轿厢|没轿厢"
     r"|(电梯|屋里|房间|厕所|卫生间|阳台|车里|里面|地下室|井里|井下|坑里)~8(出不来|出不去)"
     r"|被关在里面|(关|困|卡|锁)在~6电梯(里|里面|里头)|(关|困|卡)电梯里"
     r"|(卡|困|关|锁)在[^，。！？,.!?；; 车]{0,14}(出不来|出不去)|电梯里.{0,6}卡住|卡住了~12(我|人)在里面"
     r"|电梯(突然|一下)?(往下掉|下坠|掉了一截|冲顶|溜梯)|冲到(顶|了顶|顶楼)|(压住|压着)(了)?~3(一名|一个|人|老人|孩子)"
     r"|(里面|下面|底下|车里)(好像还|好像|还)有人(?!住|睡|在睡|过夜)|人(也)?在(下面|底下|车里)|(司机|人)还在车里|底下有没有人"
     r"|人(被)?压在(下面|底下|里面)|被(门|电梯门|车门|卷帘门)夹住|夹住(了)?(手|脚|腿|头)|压(在|到|住)[^。！？!?]{0,12}(里面|下面|底下)有人"
     r"|电梯~4(卡人|关人|困人)了|电梯~6(关了人|卡了人)|困了人|lift~4困|救命[^。！？!?]{0,4}电梯(里|里面|里头)|电梯(里|里面|里头)[^。！？!?]{0,4}救命"
     r"|(卡|困)(在|进)[^。！？!?车]{0,16}(出不来|出不去|拔不出来)|电梯[^。！？!?]{0,4}困人|电梯里~4关了|电梯~6(卡半道|卡在半道|困人)|电梯里.{0,6}停了|人还在车上"
     r"|电梯~8(不动|停|卡)[^。！？!?]{0,12}(我|人|孩子|老人)(还)?在里(面|头)|被锁(在)?(阳台|天台)"
     r"|(病人|担架)~10(出不去|抬不出|抬不下|过不去)"
     # someone in the lift pressing its alarm: trapped ("电梯里的小孩按了紧急按钮")
     r"|电梯(里|里面|里头)[^。！？!?]{0,10}(按|摁)(了)?[^。！？!?]{0,3}(紧急|报警|呼叫|求救|警铃|应急)"),
    ("violence", "safety", "110",
     r"(?<=[拿持举挥亮掏抄拎提])(着|了)?(把|根)?(刀|菜刀|砍刀|水果刀|刀子|棍|铁棍|木棍|棒子|斧头|锤子|钢管|砖头|枪|铁锹)(?![^，。！？,.!?]{0,2}(围|挡|垫|压|堵|砌|拦))"
     r"|手(里|上|中)(还)?有(把|根)?(刀|菜刀|砍刀|水果刀|刀子|斧头|锤子|钢管|枪)"
     r"|(砸东西|摔东西|哭喊|哭叫|尖叫|打骂)[^。！？!?]{0,24}(弄死|打死|杀了|砍死)(你|她|他)|(要)?(弄死|打死|杀了|砍死)(你|她|他)[^。！？!?]{0,24}(哭喊|哭叫|尖叫|惨叫|救命|摔东西|砸东西|在哭)"
     r"|(尖叫|惨叫|哭喊)[^。！？!?]{0,12}(玻璃碎|砸)|(玻璃碎|砸东西)[^。！？!?]{0,12}(尖叫|惨叫|哭喊)|抢劫|持刀抢|有人抢(包|钱|手机|金链)|追着~3(砍|捅|打)|拿刀~3追"
     r"|惨叫|动刀|砍人|捅人|砍伤|捅伤|被砍|被捅|喊救命|叫救命|(喊|哭喊|叫|哭着说)~4别打了|呼救|见血|打人|打伤|群殴|家暴|打老婆|打老人|打孩子|往死里打|流血|好多血|劈人"
     r"|打得~4(流血|出血|满脸)|(?<=有人|一直|正在|还在)(撬|砸)|(?<=在)撬|撬(门|我家|我们家)"
     r"|要杀人|杀人了|(剪子|剪刀)~8(捅|扎|划)|按在地上打|扭打|推下(去|楼梯)|踹门~8(喊|骂|要)|(踹门|砸门|撞门|踢门)[^。！？!?]{0,24}(不敢开门|不敢出去|不敢出声|吓得)|有人(在)?(撬|拉|砸|拽)~6(卷帘门|门锁|窗)[^。！？!?]{0,24}(不敢下|不敢出|不敢开|吓得不敢)|(砸东西|摔东西).{0,16}(躲|不敢出去|害怕)|(陌生|可疑)~4(男|人)~10(跟着|尾随)|尾随|(他|她|老公|男人|前夫|儿子|丈夫)~8打我(?!电话|手机|微信|的电话)"
     r"|(啤酒瓶|酒瓶子?)~4(追|打|砸)|互砸|泼汽油|(在屋里|在家里|在屋头)打(他妈|她妈|老婆|媳妇|孩子|人)|抄(起)?(凳子|板凳|棍子|椅子|酒瓶|家伙|刀|砖头|铁锹)|(喊|叫)~4(你)?别过来|要点火|同归于尽|抢了~6(?<!红)包|堵[^，。！？,.!?；;]{0,10}(要钱|交钱|拿钱|保护费)|(男的|男人|陌生人|有人|一个人|那人|那个人)~12(一直跟着我|一直跟着她|跟踪我|跟踪她|跟了我一路)|(被|给)[^。！？!?]{0,5}(打|揍|围殴|砍|捅)(了|伤)[^。！？!?]{0,20}(还在|没走|还没走)|在偷~6(电瓶|车)"
     r"|(抄起|抡(起|上|着))~3(拖把|板凳|凳子|扳手|镰刀|锄头|扁担|铁锹|棍子|椅子|酒瓶|刀|斧头|棒子|砖头)|(刀|镰刀|锄头|棍子|棒子|砖头|斧头|铁锹)~4(比划|比比划划|乱挥|挥舞|吓唬人)"
     r"|(打|砍|揍|干|掐|斗殴)[^。！？!?]{0,20}((一脸|满头|满脸|一身|浑身)(都)?是血|头破血流)|开了瓢|开瓢"
     r"|(喊|说|嚷|叫)(着)?要(弄死|打死|杀了|砍死|整死|捅死)|(砸门|踹门|撞门)[^。！？!?]{0,20}(弄死|打死|杀了|砍死|整死)|谁~4就砍谁|(一个|人|老人|老头|老太|她|他|我)被推倒"),
    # Spilt petrol beside a cigarette end (after violence: petrol poured on a car with a threat is an attack).
    ("gas", "safety", "119",
     r"(汽油|柴油)[^。！？!?]{0,20}(烟头|抽烟|打火机|点火|明火)|(烟头|抽烟|打火机|明火)[^。！？!?]{0,20}(汽油|柴油)"),
    ("self_harm", "care", "110",
     r"(说|喊|闹着|吵着|嚷着)(要|想)~2(喝农药|跳楼|跳河|上吊|割腕|寻死|自杀)|跳楼|要跳河|想跳河|(楼顶|天台|窗台|桥|楼边).{0,10}(要跳|想跳|往下跳)|想不开|轻生|割腕|喝(了)?农药|上吊"
     r"|吃了~6安眠药|不想活了|(翻|爬)(到|出)~4(栏杆|护栏)外|桥(的)?栏杆上~4(坐|站|哭)|(坐|站)在桥(的)?栏杆上"
     r"|要一起跳|说要跳|活够了|要跳下去|捅自己|(吃|喝|吞)(了)?~3(老鼠药|耗子药|敌敌畏|百草枯|杀虫剂|除草剂)|(像)?遗书(一样|似的)?(的)?(话)?|交代后事"
     r"|(天台|楼顶|窗台)(边上|边缘|边)~4(坐着|站着)|(站|坐|蹲|爬)(在|到)(楼顶|天台)?(的)?(女儿墙|楼顶边|天台边)"
     r"|(天台|楼顶|顶楼|窗台)~8(坐在|站在)(边上|边缘|边边)~6(哭|腿|脚)|腿~3(伸出去|悬空|挂在外面)"
     r"|(天台|楼顶|顶楼)([^。！？!?]{0,20}(在|站在|坐在)|的)?(边上|边缘|边边)~3(晃|哭|坐着|站着)"
     r"|下水[^。！？!?]{0,6}往(深处|深水|河中间|湖中间|江中间)(走|去)"
     r"|(天台|楼顶|顶楼)[^。！？!?]{0,24}(边上|边缘|边边)[^。！？!?]{0,24}(哭|情绪)"),
    ("falling", "safety", "110",
     r"(瓷砖|墙砖|外墙|墙皮|(?<![地路道])(?<!道的)(?<!路的)(?<!地上的)砖|瓦|玻璃|碎片|碎玻璃|玻璃碴|广告牌|招牌|牌子|树枝|枝子|树杈|花盆|空调外机|外机|窗框|水泥块|石头|冰凌|冰锥|冰柱|冰溜子"
     r"|脚手架|铁皮|雨棚|遮阳棚|防盗网|灯箱|框子|吊顶|石膏板)[^，。！？,.!?；;]{0,12}"
     r"(往下掉|往下塌|压塌|一直掉|正在掉|在掉|砸下来|掉下来了|掉落|坠落|晃来晃去|晃晃悠悠|晃荡|摇摇晃晃|砸到人|砸伤了?人|砸到了人"
     r"|直晃悠|翘起来|掀起来|掀开|往外倒|晃得(厉害|很厉害|好厉害|凶|吓人))"
     r"|不断~3往下掉|还(得|会|要)掉(下来)?|悬在(上面|半空|头顶)|(块|片|根)(在晃|要掉|悬着|还在晃|晃悠)|石屎~8(跌落|掉|落)|就(来|嚟)冧|往下掉(水泥|砖|瓦|石头|玻璃|墙皮|瓷砖|渣)|还在往下(扔|掉)|还在~4下滑|往下扔|摇晃剧烈|快冧|冧落|挂在半空|挂喺半空|只靠~8吊着|吊着~6(晃|摇)"
     r"|(倾斜|随时可能倒|随时会倒|随时(要倒|都要倒)|眼看(要倒|就要倒)|往外鼓)"
     r"|(铁皮|彩钢板|钢架|保温层|保温板|广告字|围挡|吊顶|石膏板|冰溜子|冰溜|幕墙|花架|铁架|树枝|枝子|树杈|杈子|枝杈|枝丫|大枝|广告牌|招牌|外机|空调架)[^，。！？,.!?；;]{0,12}(悬着|吊在|耷拉着|晃得(厉害|很厉害|好厉害|凶|吓人)|还在晃|一直晃|在晃|晃悠|脱落|刮倒|刮掉|掉了一(大)?块|掉渣|锈断|吊在半空|快断了|松了)"
     r"|(往|朝)~6(这边|马路|路上|路中间|楼)~4(歪|倒)|树~6倒了[^。！？!?]{0,8}(横在|挡在|拦在)(路|马路)|掉下来(一|几)(根|块|个)"
     r"|(保温板|保温层|彩钢板|铁皮|树杈|树枝|外机|空调架)[^，。！？,.!?；;]{0,12}(往下飞|飞下来|半空|挂在[^，。！？,.!?；;]{0,8}晃)"
     r"|(上面|上头|楼上)还有[^。！？!?]{0,10}(在晃|摇摇晃晃|晃来晃去|晃悠|要掉|鼓起来)|还有[^。！？!?]{0,10}(在松动|松动了|在晃|要掉下来|摇摇欲坠|悬着)|还在扔|砸(到|伤)(了)?人了|(屋檐|窗户框|窗框)~8(往下掉|掉下来)|随时会掉(下来)?"
     r"|(树|枝|枝子|树干|树杈)[^。！？!?]{0,8}(压着|压在|靠在|歪到|倒在|搭在|扯着|挂着|缠着)[^。！？!?]{0,4}(电线|线)"
     r"|塔吊~8(晃得|在晃|一直晃|摇晃)|(吊着的|吊的)~6(在空中|半空)~2(甩|晃)"
     r"|(外机|空调|招牌|广告牌|花盆|窗户|窗框|铁皮|雨棚|灯箱)[^。！？!?]{0,10}(就剩|只剩|只靠|就靠)~6(吊着|挂着|连着)"
     r"|(上面|上头|楼上)还(挂着|吊着|悬着)|(树|枝|树枝|树杈|枝子)~8(搭|压|碰|挨)(在|着)~4(高压线|电线)[^。！？!?]{0,12}(火花|冒火|蓝光|打火|噼啪)"),
    ("water_electric", "safety", "119",
     r"(积水|漏水|进水|渗水|流入|流进|水淹|淹(?!过)|泡(?!过)|水漫|漫向|水顺着|水都|水已经|往下淌).{0,16}(插座|电箱|配电箱|电表箱|电闸|电线|电源|电路|开关|充电桩|变压器|配电房|配电室|配电间|电梯井|灯泡|吸顶灯|灯座)"
     r"|(插座|电箱|配电箱|电表箱|电闸|电线|开关|配电房|配电室|充电桩)~10(进水|泡水|泡在水|淹了|滴水|漏水|湿了|冒火花|打火|噼啪|冒烟)"
     r"|(配电房|配电室|配电箱|电箱|电表箱)~6(积水|水淹|泡水)|(刮|吹|压|砸)(倒|断)了[^。！？!?]{0,16}(扯着|挂着|压着|搭着|拽着)~4电线|电笔~4(一试|一测|测)~4亮|冒蓝光|冒蓝火"
     r"|漏电|电到人|麻手|(?<!携)带电(?!动|瓶|池)"
     r"|(吸顶灯|吊灯|灯座|灯泡|灯管|电灯)~8(往下滴|滴水|进水|流水|流下来)|顺着~4灯"
     r"|(滴|流|渗|漏)(到|进|在)(灯|插座|开关|电箱|电表)|搭(着|在)电线|电线~4(断了|掉地上|垂下来|下垂|掉下来|耷拉)|电线~4(落在|掉在|掉进|泡在|掉到|垂到)~2水(里|中|坑|塘)"),
    ("collapse", "safety", "119",
     r"(楼|房子|房屋)~6(晃了一下|晃了几下|晃动|在晃|摇晃)[^。！？!?]{0,30}(裂缝|掉下来|跑下楼|跑出来)|"
     r"承重墙~12(打掉|拆|砸|裂)|(柱子|承重柱|立柱)~6(裂开|裂了|断了|锈断)|(墙体|山墙|楼体|房梁)~12(裂缝|裂开|倾斜|往外鼓|鼓起)|(大坝|坝上|堤坝|河堤)~8(裂|渗水|决口|管涌)"
     r"|(墙|楼|梁|顶|楼板|阳台|房子|屋)~6咔咔(的)?(在)?(响|声)"
     r"|(地板|楼板)~4(裂开|塌)(了)?~6往下掉|(墙(?!皮)|墙面|阳台|楼板|天花板|吊顶)~12(掉了一大块|掉下来一块|大缝|往下掉渣|还在往下掉)|(塌|陷)~10(陷进去|栽进去|掉进去)|(坑|洞)~6还在(往下|往外)?(陷|扩|塌)|((墙|楼|梁|顶|楼板|阳台|房子|屋|天花板|楼梯)[^。！？!?]{0,8}|(刚才|刚刚|又)[^。！？!?]{0,3})(咯吱|嘎吱|咔嚓)(咯吱|嘎吱|咔嚓)?~2(响|声)"
     r"|[坑洞][^。]{0,6}还在(往下|往外)?(陷|扩|塌)|(河堤|堤坝|大坝|堤)~8(冲开|口子|决堤)"
     r"|(河堤|堤坝|大坝)[^。！？!?]{0,8}(冲开|口子|决堤)"
     r"|(围墙|墙)[^。！？!?]{0,20}(往外歪|歪出来)|(脚手架|脚手驾|架子|围墙|墙|房子|屋顶|棚子|雨棚|楼板|天花板|阳台|桥)~4(快塌|要塌|快倒|要倒)了|(桥墩|路基|地基)~6(掏空|冲空|冲垮)|裂缝比(刚才|下午|上午|早上|中午|白天|昨天|昨晚|前天)又?宽|裂缝~4(越来越宽|还在变宽)|(底下|下面)是空的|桥~8(要塌|裂开了|冲得~4晃)|大缝~6从上到下|墙皮~4哗哗"),
    ("flood", "repair", "119",
     r"(污水|粪水|脏水)~8(往外翻|往外冒|倒灌|涌)[^。！？!?]{0,12}(整屋|满屋|一屋|屋里|家里|客厅)|水深~6(半米|一米|膝盖|齐腰)[^。！？!?]{0,12}(上涨|上升|在涨)|(积水|进水|倒灌)[^。！？!?]{0,20}(持续|不断|一直)(上涨|上升)|(水|积水)~8(到膝盖|到大腿|到腰|齐腰|没过膝盖|快一米|一米多|齐膝)|(灌进|涌进|流进)~4(屋|家|地下室)~10(还在涨|到膝盖|有人)"
     r"|水还在往(里|屋里)(涌|灌)|沙袋~8(顶不住|挡不住|拦不住|不管用)|水[^。！？!?]{0,10}(没过|漫到|淹到)~4(轮胎|车轮|轮子|车门|车位|引擎盖)|水位~4(一直|还在|不断|持续)(在)?(涨|上涨|上升)|被(水)?冲得~4(站不稳|站不住)|被水冲(走|倒)|已经流进~8(家|屋)"
     r"|(整个|一)(厅|屋|家|客厅|房间)~4(都是|全是)水|水还在(往外)?(涌|冒|喷)"
     r"|(漫到|灌到|淹到|涌到)~4(卧室|客厅|厨房|屋里|家里|楼道)|水从上(面)?往下(灌|浇)"
     r"|(粪水|污水|脏水)~4往~10(家里|屋里)(流|灌|涌)|水~2往~6(家里|屋里|门里|屋头)(灌|涌)"
     r"|(家(?![巷属长])|屋|室|厅|房|地上|楼道)[^。！？!?]{0,12}(没过|漫过|漫到|淹到|没到)~4(脚背|脚脖子|脚面|小腿|脚踝)|往下浇水|(楼梯|楼道|台阶)~6(成了|成|变成|像|跟|和)~2瀑布(一样|似的)?|水从~6(往外涌|往里涌|涌进来|涌出来)|到处都是水(?!坑)|(粪水|污水|脏水)[^。！？!?]{0,6}进(屋|家)了|(水|污水)[^。！？!?]{0,20}还在涨|(天花板|楼板|屋顶)[^。！？!?]{0,6}往下(灌|浇)"),
    ("animal", "safety", "110",
     r"(狗|藏獒|恶犬)[^，。！？,.!?；; 不没别]{0,12}(咬|扑倒|扑人|追着)~6(人|小孩|孩子|老人|老头|一个)|咬(到|伤)(了)?(人|一个|小孩|孩子)"
     r"|扑倒(了)?(一个|人|老人|老头|小孩|孩子)"
     r"|见人就(扑|咬)|咬出血"
     r"|(狗|犬)[^，。！？,.!?；; 不没别]{0,8}(追|咬)~6(人|小孩|孩子|老人|学生|一个)|(比特|藏獒|恶犬|烈性犬)[^。！？!?]{0,10}(挣脱|咬)"
     r"|(马蜂|胡蜂|黄蜂|蜂)[^，。！？,.!?；;]{0,12}(蛰|蜇|叮)(了|伤)|(马蜂|胡蜂|黄蜂|蜂)~8追(人|着人)|(狗|犬)[^。！？!?]{0,6}把~6咬(了|住)|不松口|咬住~8不放|(牛|马|驴)[^。！？!?]{0,16}(顶人|踢人|撞人)|(牛|马|驴|猪)[^。！？!?]{0,16}(乱顶|乱撞|乱踢|发疯|发狂)"
     r"|(条|有)蛇[^。！？!?]{0,20}(孩子|小孩|小朋友|老人)~6(旁边|边上|附近|在玩)|被蛇咬"),
    ("crash", "traffic", "120",
     r"(醉驾|酒驾|喝醉|喝多)[^。！？!?]{0,12}(横冲直撞|乱撞|撞翻|撞倒)|把~8(人|小孩|孩子|老人|老太太|老头|学生)(给)?(撞(了|倒|伤|飞)|刮(倒|伤)|碾(了|到|伤)|轧(了|到|伤))|撞(了|倒|伤)~4(人|小孩|孩子|老人)|被车撞(了|倒|伤|飞)|肇事逃逸|司机想跑|冲进人(堆|群)|撞(倒|飞|伤)(了)?(好几个|几个|两个|三个|一片|一排)"),
    ("fraud", "safety", "110",
     r"(已经|刚刚|刚|正在|去银行)[^。！？!?]{0,12}安全账户|安全账户[^。！？!?]{0,12}(已经|正在|去银行)|(让|叫|要)~6(转账|汇款)[^。！？!?]{0,20}(已经|正在|马上|去银行|往银行)"
     r"|(输了|输入了?|填了|告诉了?他)~4(密码|验证码)"
     r"|钱(正在|在)~4(往外转|一笔一笔|被转走)|屏幕共享|(正要|要|正在)去银行[^。！？!?]{0,6}(转|汇)|(正在|不停)~4(扣款|转钱)|平台转钱|验证码给|不让(她|他|我|老人|我妈|我爸)?挂(断|电话)|(正在|现在)[^。！？!?]{0,40}安全账户"),
    ("call", "safety", "110",
     r"^(救命|快来人|来人啊)[啊呀!！ ]*(\d+(号楼|栋|单元|号))?[!！ ]*$|出人命了"),
    # Someone is waiting for an ambulance or a fire engine that cannot get through.
    ("rescue_blocked", "safety", "120",
     r"(救护车|120)[^。！？!?]{0,6}(进不来|进不去|开不进|过不去|堵在|被堵|被挡)[^。！？!?]{0,30}(病人|老人|人在|等着|在等|抬)"),
    ("manhole", "safety", "110",
     r"井盖~8(没了|没有了|不见|丢了|被偷|偷了|偷走|撬走|被撬|掉了|翻了|碎了|塌了|掀开|冲开|冲走|冲跑|冲没|移位|空着|没盖|陷下去)"
     r"|(箅子|篦子|盖板)~8(压翻|压碎|翻了|没了|掉了|被偷|偷了|碎了|丢了|不见了)|(没有|没|无)井盖|井口~6(敞着|开着|露着|没盖|张着)|(下水井|窨井|污水井|雨水井|检查井)~6(敞|开着|没盖|露着)"),
)

def _gaps(rx: str) -> str:
    return re.sub(r"~(\d+)", lambda m: f"[^{_STOP}]{{0,{m.group(1)}}}", rx)


@dataclass(frozen=True, slots=True)
class Danger:
    kind: str  # fire gas fallen child missing trapped violence self_harm falling water_electric collapse flood animal
    # crash fraud call rescue_blocked manhole
    category: str  # taxonomy code it implies
    number: str  # the emergency number that fits: 119, 120 or 110
    cue: str  # the words that showed it


_COMPILED = tuple((kind, cat, num, re.compile(_gaps(rx))) for kind, cat, num, rx in _KINDS)


def _branches(rx: str) -> list[str]:
    """The top-level alternatives of a pattern, as pattern text."""
    out: list[str] = []
    depth, start, i, in_class = 0, 0, 0, False
    while i < len(rx):
        ch = rx[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            if rx.startswith("]", i + 1) or rx.startswith("^]", i + 1):
                i += 1  # a class that opens with "]" holds it
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            out.append(rx[start:i])
            start = i + 1
        i += 1
    out.append(rx[start:])
    return out


# Each kind's alternatives (pattern text), and the regex of a chosen few of them, compiled when first needed.
_BRANCHES = tuple(_branches(rx.pattern) for _, _, _, rx in _COMPILED)
_PARTIAL: dict[tuple[int, tuple[int, ...]], re.Pattern[str]] = {}
_SPAN = 1024  # (kind, branch) is coded as kind * _SPAN + branch in the gate


@lru_cache(maxsize=1)
def gate_words() -> dict[str, frozenset[int]] | None:
    """The strings one of which every match of an alternative holds -> the (kind, alternative) pairs
    that may match: a text holding none needs no regex at all, and one that holds some runs only those
    alternatives (the 'fallen' kind has over a hundred, and re tries each at every place of the text).
    None when an alternative has no such strings. The lexicon's one pass over a text collects these
    codes too (nlp.lexicon, Scores.danger_codes); ``standalone_gate()`` serves the other callers. Cached:
    reading every alternative's strings takes a tenth of a second of start-up."""
    codes_of: dict[str, set[int]] = {}
    for i, branches in enumerate(_ALL_BRANCHES):
        assert len(branches) < _SPAN
        for j, branch in enumerate(branches):
            found = _required(branch)
            if found is None:
                return None
            for w in found:
                codes_of.setdefault(w, set()).add(i * _SPAN + j)
    return {w: frozenset(codes) for w, codes in codes_of.items()}


@lru_cache(maxsize=1)
def standalone_gate() -> Any:
    """``gate_words`` as an automaton of its own, for a text the lexicon's pass did not read (built when
    first asked for: the classifier's own pass carries the codes); None without pyahocorasick or gate words."""
    words = gate_words() if _ahocorasick is not None else None
    if words is None:
        return None
    auto = _ahocorasick.Automaton()
    for w, codes in words.items():
        auto.add_word(w, codes)
    auto.make_automaton()
    return auto



def _regex(i: int, chosen: list[int]) -> re.Pattern[str]:
    """Kind i's regex cut to the chosen alternatives: an alternative whose required strings are all
    absent cannot match anywhere in the text, so the cut regex finds exactly what the whole one does."""
    branches = _ALL_BRANCHES[i]
    if len(chosen) == len(branches):
        return _WHOLE[i]
    key = (i, tuple(chosen))
    rx = _PARTIAL.get(key)
    if rx is None:
        if len(_PARTIAL) > 4096:
            _PARTIAL.clear()
        rx = re.compile("|".join(branches[j] for j in chosen))
        _PARTIAL[key] = rx
    return rx

# Pretend danger: a game, a show, a dream, a drill, news from elsewhere, a joke.
_PRETEND = re.compile(r"转发|转:|据报道|某市|某小区|某地|邻区|邻市|隔壁小区|别慌|不用慌|不要慌|大家放心|虚惊|是测试|测试的"
                      r"|不(?<!是不)是着火|没着火|游戏(?![^。！？!?]{0,6}(突然|忽然|闻到|听到|听见|看到|看见))|王者|吃鸡|过家家|电视里|电视剧|看剧|剧里|电影(?!院)|动画|小说|做梦|梦见|梦到"
                      r"|(?<!不是)(?<!没)开玩笑|哈哈|笑死|😂|🤣|科普|反诈|防骗|诈骗高发|谨防|警惕|宠物医院|兽医|饭糊了|菜糊了|煮糊|是[^，。！？,.!?]{0,6}在(熏|烧烤|烤肉|做饭|炒菜|烧香|烧纸)|是(熏|烧烤|烤肉|做饭|炒菜|烧香|烧纸)|讲座|培训|引以为戒|前车之鉴|讲课|上课(说|讲)|教了|教我们|教大家|演示|心理咨询|的视频|这个视频|这视频|外地的(事|新闻|消息|视频)|不是咱们小区|不是我们小区|别的小区|其他小区|电视上|演练|演习|拍戏|拍(?<!别拍)(?<!光拍)视频|段子|新闻|窍门|妙招|是真的吗|真的假的|不对[^。！？!?]{0,3}(好像|原来|应该)是|喊着玩|闹着玩|模拟|假装|剧情|主角|抖音上|视频里|朋友圈|别的群|其他群|放散|正常作业|煮㶶"
                      r"|烟感[^。！？!?]{0,20}(电池|没电)"
                      r"|小知识|口诀|小贴士|逃生技巧|建议收藏|必看|分享一篇|正确姿势|急救知识|(的|这种|这类)事(儿)?(年年|每年|经常|常常|时有|多的是)|是不是骗子|是骗子吧|是不是诈骗")
# Over: the danger has passed, or help already has it.
# In both, every alternative opens with a literal character (a lookbehind goes after it, "都(?<!灯都)灭了"):
# then re scans for those characters alone, seven times faster than trying every branch at every place.
_OVER = re.compile(r"已经灭了|火灭了|都(?<!灯都)灭了|扑灭|捂(?<![没不]捂)灭了?|浇(?<![没不]浇)灭了?|踩(?<![没不]踩)灭了?"
                   r"|已关总阀|总阀已(经)?关|已经关了总阀|临时处理(了|好了)|出来了[^。！？!?]{0,2}没事|母子平安|补好了|填好了"
                   r"|孩子(都)?安全(了)?(?=[，。！,.!]|$)|老人(都)?安全(了)?(?=[，。！,.!]|$)|大家(都)?安全(了)?(?=[，。！,.!]|$)"
                   r"|人(都)?安全(了)?(?=[，。！,.!]|$)|已关阀|现在安全了|已经安全了"
                   r"|保险能赔|保险赔|理赔|要我全赔|要我赔|让我赔|算不算工伤|出来了出来了"
                   r"|现在出来了|人都出来了|抬出来了|背出来了|捞上来了|拉上来了|救上来了|人是清醒的|救护车在路上|疏散完|全楼都下来了|说好(多|些|点)了|感觉好(多|些|点)了|现在好(多|些|点)了|消防(已经)?(到了|在上面)|已经过去了|已经在路上|劝下来了|说(?<![还非硬偏]说)没事|已经拉(了)?警戒线|已在[^，。,.]{0,10}拉警戒线|已拉警戒线|人(都)?(跑|逃)出来了|已经(拖|搬|挪|移)(到|走|出)|退了烧|退烧了"
                   r"|就好了|那事|那件事|结果是|来看过了|查过了|检查过了|没着起来|没烧起来|抢救过来|救过来了|脱离危险|幸好没事|还好没事|好在没事"
                   r"|熄灭了|救出来了|已经出来了|(?<![没无])人出来了|放出来了|已经好了|现在好了|没事了|没大碍|醒过来了"
                   r"|已经醒了(?![，,\s]?(但|可|不过))(?![^。！？!?]{0,8}(动不了|起不来|站不起|没(有)?感觉|没知觉|说不出|不会说|喊疼|疼得))|人醒了(?![，,\s]?(但|可|不过))(?![^。！？!?]{0,8}(动不了|起不来|站不起|没(有)?感觉|没知觉|说不出|不会说|喊疼|疼得))|送医院了|送回来了|找回来了|已经回来了|送去医院了|已经送医|已经找到|找到了|已经处理|处理好了|修好了|已经修好|盖(?<!铺盖)上了|已经盖好|挡上了|先挡上|围起来了|拦起来了|(砖|石头|锥|桶|栏|绳|胶带|凳子|板子|木板|牌子)[^，。！？,.!?]{0,4}(围|拦|挡)(上|住|起来)了"
                   r"|醒(?<![吵不太]醒)了(?![，,\s]?(但|可|不过))(?![^。！？!?]{0,8}(动不了|起不来|站不起|没(有)?感觉|没知觉|说不出|不会说|喊疼|疼得))|原来是(回|去|在)|原来(他|她)(是)?(回|去|在)|后来(才)?知道|才知道(是|他|她)|在(?<!我在)医院(?!值|上班|工作|陪床|陪护)|在卫生院|挂水|住院了|没人受伤|里面没人|里头没人|没人被困|虚惊一场|是误会|搞错了|带走了|被带走|搞掂|搞定了|人都没事|人没事|现在还好|目前还好|暂时还好|着火是因为|医药费|不认账|不肯赔|起火原因|起火的原因|着火的原因|失火原因")
# Pretend and over are gated like the kinds (their alternatives are many: re tries each at every place of
# the text): their codes follow the kinds' in the same space.
PRETEND, OVER = len(_COMPILED), len(_COMPILED) + 1
_WHOLE: tuple[re.Pattern[str], ...] = tuple(c[3] for c in _COMPILED) + (_PRETEND, _OVER)
_ALL_BRANCHES = _BRANCHES + (_branches(_PRETEND.pattern), _branches(_OVER.pattern))
# kind -> the alternatives the gate let through, for one text; None: no gate, every alternative
Chosen = dict[int, list[int]] | None


def _cut(i: int, chosen: Chosen) -> re.Pattern[str] | None:
    """Kind i's regex for a text the gate read (None: it cannot match there)."""
    if chosen is None:
        return _WHOLE[i]
    picked = chosen.get(i)
    return None if picked is None else _regex(i, sorted(picked))


# The smoke or smell has an everyday source: the model's guess of a fire is not trusted.
_BENIGN = re.compile(r"抽烟|吸烟|烟头|二手烟|油烟|炒菜|烧烤|烤肉|熏腊肉|做饭|烧香|烧纸|秸秆|稻草|麦秆")
# A fuel smell: a cigarette beside it is the danger, not its everyday source.
_FUEL = re.compile(r"汽油|柴油|油味|煤气|燃气|天然气|液化气")
# A child at play on the floor ("孩子趴在地上玩积木"): lying down is not a fall; the model reads 趴在地上 as one.
_PLAY = re.compile(r"(趴|躺|坐)(在)?地(上|下|板上)(玩|看|写|晒|打滚)|搭积木|玩积木|玩玩具")
# Smoke that blinds or chokes, or keeps people in: dangerous whatever is burning ("烧纸 烟大得楼梯都看不清").
_THICK = re.compile(r"呛得|呛人|看不清|看不见|睁不开|喘不|落唔到|下不去|出不去|走不了|没灭|烧黑|烧着")
# Still now: overrides a past marker in the same clause ("昨天到现在一直没开门").
_STILL = re.compile(r"到现在|至今|现在还|现在又|还在|仍然|依然|正在|此刻")
# Before the cue in its clause: the danger is past, averted, supposed or feared.
_PAST = re.compile(r"上礼拜|上星期|上周|上个礼拜|上个星期|上个月|年轻(的)?时|这一周|这一礼拜|这一星期|那天"
                   r"|上次|上回|那回|有一次|有次|去年|前年|以前|之前|那年|小时候|(?<!从)(昨天|昨晚|前天|昨个|昨儿)|昨日|前日|琴日|寻日"
                   r"|前几天|前两天|前两日|前几日"
                   r"|前阵子|那次|曾经|当年|过(?<![人车经路走那这]过)$")
# Habitual, anywhere before the cue: a nuisance every day, not an emergency now.
_HABIT = re.compile(r"天(?<![今明昨前后当那每]天)天|每天|每晚|经常|总是|总说|老说|老是|老有|总有|隔三差五|三天两头"
                    r"|年年|每年|每次|常常|常看见|常看到|每回|每逢|成日|最近|近来|这阵子|总把|老把|总让|老让|老从|总从|老往|总往"
                    r"|(刮风|下雨|下雪|打雷)(的时候|时)?就"
                    r"|(?<!刚)一(停|坏|断|下雨|落雨|刮风)[^，。！？,.!? ]{0,3}就"
                    r"|(?<!刚)一(下|落)雨[^，。！？,.!? ]{0,6}就")
# Between a habit and the cue: this time it is happening ("老是咚咚响 现在地板裂开了").
_NOW = re.compile(r"现在|这会儿|此刻|刚才|刚刚|刚(在|发|给|打|说|看到|看见|听到)")
# After a habit word: someone's routine visit or outing ("每天给独居的爷爷送饭"), which makes today's silence alarm.
_VISIT = re.compile(r"[^，。！？,.!?]{0,12}(送饭|送菜|送药|看望|探望|遛弯|下楼|出门|开门|打电话|接(我)?(的)?电话|视频)")
# After a habit word: people passing or playing below, which makes a hazard dangerous.
_PASSERS = re.compile(r"(有)?(很多|好多|不少|一堆|多少)?(人|小孩|孩子|小朋友|娃|老人|学生|车)[^，。！？,.!?]{0,4}"
                      r"(过|走|经过|路过|出入|进出|来往|玩|取车|停车|取件|取快递|排队|上学|放学|在下面|在底下)")
# "平时她天天在楼下坐着": the person's routine, which makes today's silence alarming, not a habit.
_ROUTINE = re.compile(r"平时|平常|往常|以往")
_PAST_AFTER = re.compile(r"^(那天|那次|那晚|那回|后(?![面边头门院])|过后|之后|以后)|^[^，。！？,.!?]{1,2}(那天|那次|那晚|那回)"
                         r"|^[^，。！？,.!?]{0,3}过(一次|两次|几次|[，。！？,.!?]|$)|^[^，。！？,.!?]{0,2}过.{0,6}(现在|后来)")
_HYPO = re.compile(r"明天|后天|下周|以后(停|断|再|看到|遇到|碰到)|要是|万一|如果|假如|假设|若是|怕|担心|生怕|以防|防止|预防|小心"
                   r"|会不会|容易|可能会|迟早|早晚|以免"
                   r"|差点|差一点|险些|幸好|幸亏|还好|(?<!正)好在|该不会|防范|注意|避免|一旦|假装|以为|还以为")
# Right before the cue: about to, might, do not ("快打起来了", "别掉下去").
_HYPO_NEAR = re.compile(r"(快要|快|就要|要|会|别|不要|可能|容易|真|(?<!消)防)$")  # 消防 is the fire service
# After an over-marker: it came back ("灭了又烧起来").
_AGAIN = re.compile(r"又|还在|没灭|还没|还敞着|还开着|还露着|可是|但是|复燃|呛得(厉害|不行|直咳)|喘不上气"
                    r"|这(回|次)(又|好像|是从|在)|少(了)?[一两]个|不在|不见|没消息|没找到|没回来|我觉得有事|觉得不对|现在[^，。！？,.!?]{0,10}(烟|烫|火|味|冒|喷|漏)")
# Right after the cue: a risk or a question about one ("火灾隐患", "闻到煤气味吗").
_TAIL_HYPO = re.compile(r"(的)?(隐患|风险|危险吗|怎么办|咋办|的话|时候)|了?吗|似的|一样|时(?!不时)|能(?!不能)"
                        r"|(了)?(人|大家)?(都)?[跑逃](都)?[跑逃]?不(出|掉|了)|就完了")
_NEG = re.compile(r"(没有|没|不是|并没|并非|无|未|不)$")
# In the clause, how often it has happened ("电梯一个月困三回人", "这是第三次困人了"): a record of a fault, not one now.
_TIMES = re.compile(r"(一个月|一年|一周|一星期|一礼拜|每个月|每月|这个月|今年)[^，。！？,.!?]{0,4}[两三四五六七八九十几好\d]+(回|次)"
                    r"|第[二三四五六七八九十几\d]+(回|次)|[两三四五六七八九十几好\d]+(回|次)人")


# The clause around a danger word: from after the last stop before it to the next stop after it.
_CLAUSE_HEAD = re.compile(r"[^，。！？,.!?；;\n ]*$")
_STOP_RX = re.compile(r"[，。！？,.!?；;\n ]")


# "一" right before an event makes it a condition ("一着火", "一漏水就"); before a noun it counts ("一条蛇").
_IF_EVENTS = ("着火", "起火", "失火", "漏", "停", "下雨", "刮风", "冒烟", "断")
_NOT_IF = ("第一", "统一", "唯一", "万一")


def _blocked(t: str, start: int, end: int, near: bool = True) -> bool:
    """Is the danger word at t[start:end] negated, past, averted or supposed? ``near``: also when "about to"
    comes right before it (快/要/会), which for a path word (要从这过) is not a supposition."""
    m = _CLAUSE_HEAD.search(t, max(0, start - 40), start)
    lo = m.start() if m else start
    head = t[lo:start]
    if _NEG.search(head[-3:]) and not head.endswith(("是不是", "是否", "有没有", "是没")):
        return True
    tail = t[end:end + 12]
    stop = _STOP_RX.search(t, end)
    clause_end = stop.start() if stop else len(t)
    clause = t[lo:clause_end]
    call = t.startswith(("打1", "叫1", "报警", "救命", "快来", "来人", "叫救护车", "喊救护车"), start)  # a call for help, not an event
    if head.endswith("一") and not head.endswith(_NOT_IF) and t.startswith(_IF_EVENTS, start):
        return True  # "一着火全楼都跑不出去": if it ever happens
    if _HYPO.search(head[-8:]) or (near and _HYPO_NEAR.search(head) and not call) or _TAIL_HYPO.match(tail):
        return True
    if (_PAST.search(head) or _PAST_AFTER.search(tail)) and not _STILL.search(clause):
        return True
    if _TIMES.search(clause):
        return True
    if _past_sentence(t, start, clause_end):
        return True
    for habit in _HABIT.finditer(t, max(0, start - 30), start):
        if _real_habit(t, habit) and not _NOW.search(t, habit.end(), start + 2):
            return True
    return False


# A sentence that opens on an earlier day ("前几天下雨，我亲眼看见有一处接头冒火花"): what it tells happened
# that day, unless a later clause comes back to now. Only at the sentence's start: "大树被昨晚的风吹断了，
# 树杈挂在半空晃" is last night's cause of a danger hanging there now.
_SENTENCE_HEAD = re.compile(r"[^。！？!?\n]*$")
_PAST_OPENING = re.compile(r"上礼拜|上星期|上周|上个月|前几天|前两天|前些天|前阵子|去年|前年|那天|那次|上次|上回"
                           r"|(?<!从)(昨天|昨晚|前天)")
_BACK_TO_NOW = re.compile(r"现在|今天|今早|今晚|刚才|刚刚|这会|此刻|又|还在|到现在|至今|正在|一直")


def _past_sentence(t: str, start: int, clause_end: int) -> bool:
    m = _SENTENCE_HEAD.search(t, max(0, start - 80), start)
    lo = m.start() if m else start
    first = _STOP_RX.search(t, lo, start)
    if first is None:
        return False  # the cue is in the opening clause: the clause rules above read it
    return (_PAST_OPENING.search(t, lo, min(first.start(), lo + 4)) is not None  # it opens the sentence
            and _BACK_TO_NOW.search(t, first.start(), clause_end) is None)


# Inside a cue that spans words ("小孩差点掉下去"): averted or supposed, whatever comes before it.
_AVERTED_IN = re.compile(r"差点|差一点|险些|要是|万一|如果|假如|幸好|幸亏|还好|好在"
                         r"|(?<!刚)一(停|坏|断|下雨|落雨|刮风)[^，。！？,.!? ]{0,3}就"
                         r"|(?<!从)(昨天|昨晚|昨夜|前天)|上次|明天|估计"
                         r"|怕|担心|(?<!平时)(?<!平常)(?<!往常)(?<!以往)(经常|总是|老是|天天|每天)|下周|后天|预报")


def _averted(t: str, start: int, end: int) -> bool:
    """An averting or earlier-day word inside the cue t[start:end], unless the cue says it lasts till now
    ("老人昨天出门到现在还没回来")."""
    m = _AVERTED_IN.search(t, start, end)
    return m is not None and not (m.group().startswith(("昨", "前天")) and _STILL.search(t, m.end(), end) is not None)


def _walked(t: str, rx: re.Pattern[str]) -> bool:
    """Do people pass where the danger is? People about to pass (马上要从这过) count."""
    return any(not _blocked(t, m.start(), m.end(), near=False) for m in rx.finditer(t))


def _found(t: str, chosen_by_kind: dict[int, list[int]] | None) -> Danger | None:
    """The first kind that matches now; ``chosen_by_kind``: kind -> the gate's alternatives, None for all."""
    for i, (kind, cat, num, whole) in enumerate(_COMPILED):
        rx = whole
        if chosen_by_kind is not None:
            chosen = chosen_by_kind.get(i)
            if chosen is None:
                continue
            rx = _regex(i, sorted(chosen))
        need = _NEEDS.get(kind)
        if need is not None and not _walked(t, need):
            continue
        unless = _UNLESS.get(kind)
        if unless is not None and unless.search(t):
            continue
        for m in rx.finditer(t):
            cue = m.group(0)
            if _blocked(t, m.start(), m.end()) or _averted(cue, 0, len(cue)) or (kind == "fire" and _everyday_smoke(t, cue)):
                continue
            return Danger(kind, cat, num, cue)
    return None


def _everyday_smoke(t: str, cue: str) -> bool:
    """Smoke and nothing burning, in a text that names its everyday source ("楼下老烟民 屋里全是烟")."""
    return "烟" in cue and "火" not in cue and _BENIGN.search(t) is not None and _THICK.search(t) is None


# 朋友圈 usually brings news from elsewhere; a farewell note posted there is the person speaking now.
_FAREWELL = re.compile(r"遗书|遗言|不想活|活够了|轻生|想不开")


def pretend(t: str, chosen: Chosen = None) -> bool:
    rx = _cut(PRETEND, chosen)
    if rx is None:
        return False
    m = rx.search(t)
    if m is not None and m.group(0) == "朋友圈" and _FAREWELL.search(t) and rx.search(t, m.end()) is None:
        return False
    return m is not None


# Right before an over-marker: it is a complaint that the fix did not hold ("明明修好了的", "不是查过了吗").
_NOT_DONE = re.compile(r"(又|明明|不是|说是)$")


def over(t: str, chosen: Chosen = None) -> bool:
    rx = _cut(OVER, chosen)
    m = rx.search(t) if rx is not None else None
    return (m is not None and _AGAIN.search(t, m.end()) is None and _ONGOING.search(t) is None
            and _NOT_DONE.search(t, max(0, m.start() - 2), m.start()) is None)


# The danger itself still there, whoever is out ("满屋都是气 人已经出来了"): gas or fire does not end with the people.
_ONGOING = re.compile(r"满(屋|楼道|楼)(都是|全是)|(屋里|家里|楼道)(都是|全是)(气|烟|火)|火(还|越来越|很)大|越烧越|还在(烧|冒烟|喷)"
                      r"|呛人|好呛|冒黑烟|浓烟"
                      r"|烟(还|越来越|很)(大|浓)|还带电|还在漏电|还漏电|不哭不动|有没有气|没气了|一动不动|没(有)?反应|没(有)?呼吸|叫不醒|不省人事|昏迷")


def check(t: str, codes: set[int] | None = None) -> Danger | None:
    """A person in danger now, from normalised text; None when there is none (or only past or pretend danger).
    ``codes``: the gate's codes for ``t`` when a pass over it already collected them (nlp.scoring)."""
    if not t:
        return None
    chosen_by_kind: dict[int, list[int]] | None = None
    gate = standalone_gate() if codes is None else None
    if gate is not None:
        codes = set()
        for _, hit in gate.iter(t):
            codes |= hit
    if codes is not None:
        chosen_by_kind = chosen(codes)
        if all(k >= PRETEND for k in chosen_by_kind):
            return None  # no danger word (pretend or over words alone say nothing)
    if pretend(t, chosen_by_kind) or over(t, chosen_by_kind):
        return None
    return _found(t, chosen_by_kind)


def chosen(codes: set[int]) -> dict[int, list[int]]:
    """The gate's codes for a text, grouped by kind (once, not rescanned for each kind)."""
    out: dict[int, list[int]] = {}
    for c in codes:
        out.setdefault(c // _SPAN, []).append(c % _SPAN)
    return out


def not_now(t: str, cues: list[str] | None = None, codes: set[int] | None = None) -> bool:
    """The alarm words in ``t`` are about the past, a game, a show, or danger already over.
    ``codes``: the gate's codes for ``t`` (see ``check``)."""
    picked = None if codes is None else chosen(codes)
    if pretend(t, picked) or over(t, picked):
        return True
    if not cues:
        return False
    spans = [(t.find(c), t.find(c) + len(c)) for c in cues if c and c in t]
    return bool(spans) and all(_blocked(t, s, e) or _averted(t, s, e) for s, e in spans)


def number_for(t: str) -> str | None:
    """The emergency number that fits the danger in ``t`` (119, 120, 110), or None."""
    found = check(t)
    return found.number if found else None


# A worry or a fault that keeps coming back ("不知道有没有人去看看", "电梯又罢工了"): not the model's emergency.
# Not in _HYPO: "不知道谁家着火了" is a fire the rules must still read.
_WONDER = re.compile(r"不知道|不晓得|又(坏|罢工|趴窝|停|不亮|堵|漏|不行|出问题|出毛病)")
# Near "不知道": what is unknown is where the danger comes from or whether someone is inside, which alarms
# ("一股烧电线的味道 不知道哪里来的", "里面有没有人不晓得"), not whether anything is wrong.
_UNKNOWN_SOURCE = re.compile(r"哪里来|哪来|从哪|哪层|哪一层|哪户|是哪家|谁家|哪家的|在哪|去哪了|哪去了|咋回事|怎么回事|被谁|谁干的"
                             r"|是不是(燃气|煤气|天然气|液化气|漏气)"
                             r"|有没有人|出来没|出没出来|在不在里|人在不在|里面有人")


# After "又停" or "又坏": someone inside makes the fault that came back an emergency ("又停住 里面三个人").
_PEOPLE_INSIDE = re.compile(r"里面|里头|有人|困|关着|人在")


def _wonder(t: str) -> bool:
    for m in _WONDER.finditer(t):
        if m.group()[0] != "不":
            if _PEOPLE_INSIDE.search(t, m.end(), m.end() + 12) is None:
                return True
        elif t[max(0, m.start() - 1):m.start()] != "说" and _UNKNOWN_SOURCE.search(
                t, max(0, m.start() - 8), m.end() + 8) is None:
            return True  # ("食堂的人说不知道": someone else's excuse, not the writer's doubt)
    return False


# "我有点怕" at the end of a clause: afraid now, of what is happening, not of what might.
_AFRAID = re.compile(r"(怕|担心)(?=[，。！？,.!?\s]|$)")


def _supposed(t: str) -> bool:
    return any((m.group() not in ("怕", "担心")
                or not (_AFRAID.match(t, m.start()) or t.startswith(_NOT_SUPPOSING, m.start())))
               and not (m.group() in _NEAR_MISS and _JUST_NOW.search(t, max(0, m.start() - 12), m.start())
                        and _CHECKED_SAFE.search(t, m.end()) is None)
               for m in _HYPO.finditer(t))


# A near miss just now ("刚才有个骑车的差点掉进去"): what nearly happened is still there to happen to the next one.
_NEAR_MISS = frozenset({"差点", "差一点", "险些"})
_JUST_NOW = re.compile(r"刚才|刚刚")
# ...unless someone looked and the rest is sound ("就那一块 别的都挺牢").
_CHECKED_SAFE = re.compile(r"(别的|其他|其余|剩下的)(的)?都(挺|很|还)?(牢|好|稳|结实|没事)|就(那|这)一(块|个|次)")


# "怕是" is "probably"; "怕刺激她" is a fear of what we might do now, not a supposed danger.
_NOT_SUPPOSING = ("怕是", "怕刺激", "怕惊动", "怕吓到", "怕吓着")


def _habit(t: str) -> bool:
    """A habit word that is not the person's routine ("平时她天天下楼": today's silence is what alarms) nor
    about people passing by ("底下老有人过": what makes a hanging window dangerous)."""
    return any(_real_habit(t, m) for m in _HABIT.finditer(t))


def _real_habit(t: str, m: re.Match[str]) -> bool:
    """Not the person's routine, nor people passing, nor a routine visit: a habit of the danger itself."""
    return (_ROUTINE.search(t, max(0, m.start() - 4), m.start()) is None and _PASSERS.match(t, m.end()) is None
            and _VISIT.match(t, m.end()) is None
            and not (_WHO_PASSES.search(t, max(0, m.start() - 4), m.start()) and _PASSING.match(t, m.end()))
            and _WEATHER_AFTER.match(t, m.end()) is None and _TODAY_BROKEN.search(t, m.end()) is None)


# After the habit word, the weather ("天天三十七八度"): the heat is the habit, not the danger.
_WEATHER_AFTER = re.compile(r"[^，。！？,.!?]{0,2}([三四]十|\d{2}度|高温|零下)")
# Later, today breaks the routine ("每天六点浇花，今天到中午窗帘都没拉开"): the silence is what alarms.
_TODAY_BROKEN = re.compile(r"(今天|今早|今晚|今儿|今日|今朝)[^。！？!?]{0,14}(没(?!事)|(?<!能)不(?!能|行|好|敢)|一点)")


# People named before the habit word ("底下小孩天天走"): people passing, as _PASSERS after it.
_WHO_PASSES = re.compile(r"(人|小孩|孩子|小朋友|娃|老人|学生)(们)?(都|也)?$")
_PASSING = re.compile(r"[^，。！？,.!?]{0,3}(走|过|经过|路过|玩|跑(?!跳)|上学|放学|进出)")


# A near miss with more still hanging ("差点砸到头，外墙上还有好几块在松动"): the danger is the rest, now.
_HANGING = re.compile(r"(还有|还|也)[^。！？!?]{0,10}(在松动|松动了|松了|在晃|要掉|摇摇欲坠|悬着|吊着|吊起|挂着|鼓起来)")


def unreal(t: str, codes: set[int] | None = None) -> bool:
    """Anything in ``t`` that makes danger past, feared, averted or pretend (差点, 要是, 上礼拜, a game).

    Coarser than ``not_now``, which asks it of given cues: the model's guess of urgency, which
    has no cue words, is never trusted on a text like this. ``codes``: the gate's codes for ``t``."""
    picked = None if codes is None else chosen(codes)
    if pretend(t, picked) or over(t, picked) or _habit(t) or _everyday_source(t) or _PLAY.search(t):
        return True
    if (_supposed(t) or _wonder(t)) and _STILL.search(t) is None and _HANGING.search(t) is None:
        return True
    pasts = list(_PAST.finditer(t))
    return bool(pasts) and _STILL.search(t) is None and _NOW_AFTER.search(t, pasts[-1].end()) is None


# After the last past marker: the message turns to now ("上周陷过一回 刚才一辆三轮车掉下去"), the past is background.
_NOW_AFTER = re.compile(r"现在|刚才|刚刚|刚|今天|今早|今晚|今儿|今日|今朝|这回|这次|此刻|这会儿|马上|随时")
# A person collapsing beside the everyday source ("老公在阳台抽烟 突然倒了"): the danger is the person, not smoke.
_COLLAPSE = re.compile(r"突然倒|倒(了|在|地)|晕(倒|过去|了)|昏(倒|过去|迷)|抽搐|没(有)?反应|叫不醒|不省人事|起不来|脸发白|口吐")


def _everyday_source(t: str) -> bool:
    """Smoke from an everyday source and no fuel: the model's fire is not trusted, unless a person
    collapses beside it."""
    return _BENIGN.search(t) is not None and _FUEL.search(t) is None and _COLLAPSE.search(t) is None
